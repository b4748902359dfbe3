// The build events Concourse's event stream carries: type, version and payload exactly as fly
// parses them.

export interface BuildEvent {
  type: string;
  version: string;
  data: Record<string, unknown>;
}

export type BuildStatus = 'started' | 'succeeded' | 'failed' | 'errored' | 'aborted';

export type FinalBuildStatus = Exclude<BuildStatus, 'started'>;

export interface EventOrigin {
  id?: string;
  source?: 'stdout' | 'stderr';
}

/** Unix seconds, as Concourse writes `time`. */
export function eventTime(at: number = Date.now()): number {
  return Math.floor(at / 1000);
}

export function statusEvent(status: BuildStatus, at?: number): BuildEvent {
  return { type: 'status', version: '1.0', data: { status, time: eventTime(at) } };
}

export function logEvent(origin: EventOrigin, payload: string, at?: number): BuildEvent {
  return { type: 'log', version: '5.1', data: { time: eventTime(at), origin, payload } };
}

export function errorEvent(origin: EventOrigin, message: string, at?: number): BuildEvent {
  return { type: 'error', version: '4.1', data: { message, origin, time: eventTime(at) } };
}
