// A container's captured stdout and stderr, readable whole, by tail, or followed while it runs.
import { EventEmitter } from 'node:events';

export class ContainerLog {
  #chunks: Buffer[] = [];
  #emitter = new EventEmitter();
  #closed = false;

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  append(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#emitter.emit('data', chunk);
  }

  close(): void {
    this.#closed = true;
    this.#emitter.emit('close');
  }

  contents(tailLines?: number): Buffer {
    const all = Buffer.concat(this.#chunks);
    if (tailLines === undefined) return all;
    if (tailLines <= 0) return Buffer.alloc(0);
    let end = all.length;
    if (all[end - 1] === 0x0a) end--;
    let start = end;
    let lines = 0;
    while (start > 0) {
      if (all[start - 1] === 0x0a && ++lines === tailLines) break;
      start--;
    }
    return all.subarray(start);
  }

  // Calls onData for every chunk after this moment and onClose once the container stopped.
  follow(onData: (chunk: Buffer) => void, onClose: () => void): () => void {
    this.#emitter.on('data', onData);
    this.#emitter.once('close', onClose);
    return () => {
      this.#emitter.off('data', onData);
      this.#emitter.off('close', onClose);
    };
  }
}
