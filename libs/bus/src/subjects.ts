// Every NATS subject and JetStream stream JetBridge uses. Nothing outside libs/bus names one.
export const streams = {
  /** Work queue of step jobs: each job is taken by one pod-executor and acked after its result. */
  steps: 'JETBRIDGE_STEPS',
  /** Step events per build, kept so a restarted web replica can replay what it missed. */
  events: 'JETBRIDGE_EVENTS',
} as const;

export const subjects = {
  stepJobs: 'jetbridge.steps.run',
  stepEvents: (buildId: number) => `jetbridge.events.${buildId}`,
  allStepEvents: 'jetbridge.events.>',
  abort: 'jetbridge.abort',
  interceptOpen: 'jetbridge.intercept.open',
  interceptInput: (sessionId: string) => `jetbridge.intercept.${sessionId}.in`,
  interceptOutput: (sessionId: string) => `jetbridge.intercept.${sessionId}.out`,
  /** Request/reply operations served by one replica of a service's queue group. */
  rpc: (service: string, op: string) => `jetbridge.rpc.${service}.${op}`,
} as const;

export const queueGroups = {
  podExecutor: 'pod-executor',
  artifacts: 'artifacts',
} as const;
