// One output channel of an exec (stdout or stderr) onto the websocket. While a frame is on its way
// to the socket, further output is gathered into the next frame, so a fast command sends few large
// frames instead of one per pipe read; past a high-water mark the command's pipe is paused until
// the socket has taken the frame, so a slow client holds back the command instead of growing
// kubesim's memory.
import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';

// Gathered output above which the command's pipe is paused.
const highWaterMark = 1024 * 1024;

export class OutputChannel {
  readonly #ws: WebSocket;
  readonly #id: number;
  readonly #source: Readable | null;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #isWriting = false;
  #isPaused = false;
  #idleWaiters: (() => void)[] = [];

  constructor(ws: WebSocket, id: number, source: Readable | null) {
    this.#ws = ws;
    this.#id = id;
    this.#source = source;
  }

  // True while output is on its way to the socket or held back by it.
  get isBusy(): boolean {
    return this.#isWriting || this.#pendingBytes > 0;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (!this.#isWriting) this.#writeNext();
    else if (this.#pendingBytes >= highWaterMark && !this.#isPaused) {
      this.#isPaused = true;
      this.#source?.pause();
    }
  }

  // Sends what is gathered now, without waiting for the socket: before the exit status.
  flush(): void {
    if (this.#pendingBytes > 0 && this.#ws.readyState === this.#ws.OPEN) {
      this.#ws.send(this.#takeFrame());
    }
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  // The client is gone: output is read and dropped so the command is never blocked on it.
  discard(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#isWriting = false;
    this.#resumeSource();
    this.#notifyIdle();
  }

  whenIdle(waiter: () => void): void {
    if (!this.isBusy) waiter();
    else this.#idleWaiters.push(waiter);
  }

  #takeFrame(): Buffer {
    const frame = Buffer.allocUnsafe(this.#pendingBytes + 1);
    frame[0] = this.#id;
    let at = 1;
    for (const chunk of this.#pending) {
      chunk.copy(frame, at);
      at += chunk.length;
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    return frame;
  }

  #writeNext(): void {
    if (this.#pendingBytes === 0 || this.#ws.readyState !== this.#ws.OPEN) {
      this.#isWriting = false;
      this.#resumeSource();
      this.#notifyIdle();
      return;
    }
    this.#isWriting = true;
    this.#ws.send(this.#takeFrame(), (error) => {
      if (error) return this.discard();
      this.#writeNext();
    });
  }

  #resumeSource(): void {
    if (!this.#isPaused) return;
    this.#isPaused = false;
    this.#source?.resume();
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
