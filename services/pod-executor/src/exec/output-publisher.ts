// Turns a step's stdout and stderr into `output` events that carry their byte offset, published in
// order. Resource scripts' stdout is kept (bounded) for the `exited` event instead of the log.
import type { Bus, StepJob } from '@jetbridge/bus';

const maxChunk = 64 * 1024;
// Output waiting for the bus above which the exec stream is paused, and below which it resumes.
const pauseAbove = 8 * 1024 * 1024;
const resumeBelow = 2 * 1024 * 1024;
export const maxCapturedStdout = 512 * 1024;

type Stream = 'stdout' | 'stderr';

export class OutputPublisher {
  readonly #bus: Bus;
  readonly #job: StepJob;
  readonly #offsets = { stdout: 0, stderr: 0 };
  readonly #captured: Buffer[] = [];
  #capturedBytes = 0;
  #queue: Promise<void> = Promise.resolve();
  #failure: unknown = null;
  #queuedBytes = 0;
  #flow: { pause: () => void; resume: () => void } | undefined;
  #isPaused = false;

  constructor(bus: Bus, job: StepJob, start = { stdout: 0, stderr: 0 }) {
    this.#bus = bus;
    this.#job = job;
    this.#offsets = { ...start };
  }

  /** Byte offsets already received, where a re-attached stream continues. */
  get offsets(): { stdout: number; stderr: number } {
    return { ...this.#offsets };
  }

  /**
   * Holds back the source of the output (an exec stream) while more than `pauseAbove` bytes wait
   * for the bus, so the executor's memory stays flat however fast a step writes.
   */
  controlFlow(flow: { pause: () => void; resume: () => void } | undefined): void {
    if (this.#isPaused) this.#flow?.resume();
    this.#isPaused = false;
    this.#flow = flow;
  }

  write(stream: Stream, data: Buffer): void {
    if (stream === 'stdout' && this.#job.captureStdout) {
      this.#capture(data);
      this.#offsets.stdout += data.length;
      return;
    }
    for (let at = 0; at < data.length; at += maxChunk) {
      const piece = Buffer.from(data.subarray(at, at + maxChunk));
      const offset = this.#offsets[stream];
      this.#offsets[stream] += piece.length;
      this.#queuedBytes += piece.length;
      if (this.#queuedBytes > pauseAbove && !this.#isPaused && this.#flow) {
        this.#isPaused = true;
        this.#flow.pause();
      }
      this.#enqueue(() =>
        this.#published(
          piece.length,
          this.#bus.publishStepEvent({
            v: 1,
            kind: 'output',
            buildId: this.#job.buildId,
            planId: this.#job.planId,
            handle: this.#job.handle,
            at: Date.now(),
            stream,
            offset,
            data: piece.toString('base64'),
          }),
        ),
      );
    }
  }

  /** A line the executor adds to the log itself (diagnostics, warnings), after the process's output. */
  note(text: string): void {
    this.write('stderr', Buffer.from(text, 'utf8'));
  }

  get capturedStdout(): string {
    return Buffer.concat(this.#captured).toString('utf8');
  }

  async flush(): Promise<void> {
    await this.#queue;
    if (this.#failure) throw this.#failure;
  }

  #capture(data: Buffer): void {
    const room = maxCapturedStdout - this.#capturedBytes;
    if (room <= 0) return;
    const kept = data.subarray(0, room);
    this.#captured.push(Buffer.from(kept));
    this.#capturedBytes += kept.length;
  }

  async #published(bytes: number, publishing: Promise<void>): Promise<void> {
    try {
      await publishing;
    } finally {
      this.#queuedBytes -= bytes;
      if (this.#isPaused && this.#queuedBytes <= resumeBelow) {
        this.#isPaused = false;
        this.#flow?.resume();
      }
    }
  }

  #enqueue(publish: () => Promise<void>): void {
    this.#queue = this.#queue.then(publish).catch((err: unknown) => {
      this.#failure ??= err;
    });
  }
}
