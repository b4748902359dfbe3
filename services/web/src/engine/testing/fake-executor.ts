// Plays the pod-executor's side of the bus contract in engine tests: takes step jobs, publishes
// step events as a script says, and records the aborts it was sent. Image checks of registry
// images answer with a made-up digest unless the script decides otherwise.
import type { AbortStep, Bus, StepJob, Stoppable } from '@jetbridge/bus';

export interface ScriptedRun {
  output?: Array<{ stream: 'stdout' | 'stderr'; data: string }>;
  exitStatus?: number;
  /** Resource scripts: what stdout held. */
  stdout?: string;
  /** The step could not run. */
  error?: string;
  /** Publish nothing after `started` until the test calls `finish` (or an abort arrives). */
  hold?: boolean;
}

export type Script = (job: StepJob) => ScriptedRun;

export class FakeExecutor {
  readonly jobs: StepJob[] = [];
  readonly aborts: AbortStep[] = [];
  readonly #bus: Bus;
  readonly #script: Script;
  readonly #offsets = new Map<string, number>();
  readonly #listeners = new Set<() => void>();
  #consumer: Stoppable | null = null;
  #abortSub: Stoppable | null = null;

  /** `script` decides every job but the checks of registry images, answered as they would be. */
  constructor(bus: Bus, script: Script) {
    this.#bus = bus;
    this.#script = withRegistryImageChecks(script);
  }

  start(): this {
    this.#consumer = this.#bus.consumeStepJobs({ maxInFlight: 16 }, async (job) => {
      this.jobs.push(job);
      this.#changed();
      await this.#run(job, this.#script(job));
    });
    this.#abortSub = this.#bus.subscribeAborts((msg) => {
      this.aborts.push(msg);
      this.#changed();
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.#consumer?.stop();
    await this.#abortSub?.stop();
  }

  /** Resolves once `predicate` holds, failing after `timeoutMs`. */
  async until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve();
      };
      this.#listeners.add(check);
    });
  }

  jobNamed(stepName: string): StepJob | undefined {
    return this.jobs.find((j) => j.metadata.stepName === stepName);
  }

  async output(
    job: StepJob,
    stream: 'stdout' | 'stderr',
    data: string | Buffer,
    offset?: number,
  ): Promise<void> {
    const key = `${job.handle}/${stream}`;
    const at = offset ?? this.#offsets.get(key) ?? 0;
    const bytes = Buffer.from(data);
    this.#offsets.set(key, Math.max(this.#offsets.get(key) ?? 0, at + bytes.length));
    await this.#bus.publishStepEvent({
      ...this.#base(job),
      kind: 'output',
      stream,
      offset: at,
      data: bytes,
    });
  }

  async finish(job: StepJob, exitStatus: number, stdout?: string): Promise<void> {
    await this.#bus.publishStepEvent({
      ...this.#base(job),
      kind: 'exited',
      exitStatus,
      ...(stdout !== undefined ? { stdout } : {}),
    });
  }

  async #run(job: StepJob, run: ScriptedRun): Promise<void> {
    await this.#bus.publishStepEvent({
      ...this.#base(job),
      kind: 'selected-worker',
      worker: 'k8s-test',
      podName: job.podName,
    });
    if (run.error !== undefined) {
      await this.#bus.publishStepEvent({ ...this.#base(job), kind: 'errored', message: run.error });
      return;
    }
    await this.#bus.publishStepEvent({ ...this.#base(job), kind: 'started' });
    for (const chunk of run.output ?? []) await this.output(job, chunk.stream, chunk.data);
    if (run.hold) return;
    await this.finish(job, run.exitStatus ?? 0, run.stdout);
  }

  #base(job: StepJob) {
    return {
      v: 1 as const,
      buildId: job.buildId,
      planId: job.planId,
      handle: job.handle,
      at: Date.now(),
    };
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** The digest the registry image check of `repository:tag` reports in engine tests. */
export function fakeDigest(repository: string, tag = 'latest'): string {
  return `sha256:${Buffer.from(`${repository}:${tag}`).toString('hex').padEnd(64, '0').slice(0, 64)}`;
}

/**
 * Answers the checks of registry images (task image_resources) as the registry-image resource
 * would, with `fakeDigest`; every other job goes to `script`.
 */
export function withRegistryImageChecks(script: Script): Script {
  return (job) => {
    if (job.type !== 'check' || job.image.ref !== 'concourse/registry-image-resource') {
      return script(job);
    }
    const { source } = JSON.parse(job.stdin!) as { source: { repository: string; tag?: string } };
    const tag = source.tag ?? 'latest';
    return { stdout: JSON.stringify([{ tag, digest: fakeDigest(source.repository, tag) }]) };
  };
}
