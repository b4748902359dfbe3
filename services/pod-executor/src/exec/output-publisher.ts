// Turns a step's stdout and stderr into `output` events that carry their byte offset, published in
// order. Output that arrives while an event is on its way is gathered into the next one (consecutive
// bytes of the same stream, up to 256 KiB an event), so a command writing in small pieces makes few
// events, and the first bytes of a quiet command still go at once. Resource scripts' stdout is kept
// (bounded) for the `exited` event instead of the log.
import type { Bus, StepJob } from '@jetbridge/bus';

// Well below the bus's 1 MiB message limit; each event costs a round trip to the bus, so bigger
// events carry a fast writer's output with fewer of them.
const maxChunk = 256 * 1024;
// Output waiting for the bus above which the exec stream is paused, and below which it resumes.
const pauseAbove = 8 * 1024 * 1024;
const resumeBelow = 2 * 1024 * 1024;
export const maxCapturedStdout = 512 * 1024;

type Stream = 'stdout' | 'stderr';

interface Segment {
  stream: Stream;
  offset: number;
  chunks: Buffer[];
  bytes: number;
}

export class OutputPublisher {
  readonly #bus: Bus;
  readonly #job: StepJob;
  readonly #offsets = { stdout: 0, stderr: 0 };
  readonly #captured: Buffer[] = [];
  #capturedBytes = 0;
  readonly #pending: Segment[] = [];
  #pumping: Promise<void> | null = null;
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
    if (data.length === 0) return;
    if (stream === 'stdout' && this.#job.captureStdout) {
      this.#capture(data);
      this.#offsets.stdout += data.length;
      return;
    }
    for (let at = 0; at < data.length;) {
      const last = this.#pending.at(-1);
      const joins = last !== undefined && last.stream === stream && last.bytes < maxChunk;
      const segment: Segment = joins
        ? last
        : { stream, offset: this.#offsets[stream], chunks: [], bytes: 0 };
      if (!joins) this.#pending.push(segment);
      // A view, not a copy: every source hands over a buffer of its own for each chunk.
      const piece = data.subarray(at, at + maxChunk - segment.bytes);
      segment.chunks.push(piece);
      segment.bytes += piece.length;
      this.#offsets[stream] += piece.length;
      this.#queuedBytes += piece.length;
      at += piece.length;
    }
    if (this.#queuedBytes > pauseAbove && !this.#isPaused && this.#flow) {
      this.#isPaused = true;
      this.#flow.pause();
    }
    this.#pumping ??= this.#pump();
  }

  /** A line the executor adds to the log itself (diagnostics, warnings), after the process's output. */
  note(text: string): void {
    this.write('stderr', Buffer.from(text, 'utf8'));
  }

  get capturedStdout(): string {
    return Buffer.concat(this.#captured).toString('utf8');
  }

  async flush(): Promise<void> {
    while (this.#pumping) await this.#pumping;
    if (this.#failure) throw this.#failure;
  }

  #capture(data: Buffer): void {
    const room = maxCapturedStdout - this.#capturedBytes;
    if (room <= 0) return;
    const kept = data.subarray(0, room);
    this.#captured.push(Buffer.from(kept));
    this.#capturedBytes += kept.length;
  }

  // Publishes the gathered segments one event at a time, in order, until none is left.
  async #pump(): Promise<void> {
    for (let segment = this.#pending.shift(); segment; segment = this.#pending.shift()) {
      const { stream, offset, chunks, bytes } = segment;
      try {
        await this.#bus.publishStepEvent({
          v: 1,
          kind: 'output',
          buildId: this.#job.buildId,
          planId: this.#job.planId,
          handle: this.#job.handle,
          at: Date.now(),
          stream,
          offset,
          data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
        });
      } catch (err) {
        this.#failure ??= err;
      }
      this.#queuedBytes -= bytes;
      if (this.#isPaused && this.#queuedBytes <= resumeBelow) {
        this.#isPaused = false;
        this.#flow?.resume();
      }
    }
    this.#pumping = null;
  }
}
