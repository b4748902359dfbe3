// Captured stdout/stderr of one in-process fly run, plus its interrupt signal.

type Listener = () => void;

export class FlyIO {
  private out = '';
  private err = '';
  private readonly listeners = new Set<Listener>();
  private readonly interruptHandlers: Array<() => void> = [];
  readonly stdin: string | undefined;
  readonly env: Record<string, string | undefined>;
  readonly home: string;
  /** Aborted when the run must stop (timeout, caller's signal); cancels in-flight requests. */
  readonly abort = new AbortController();

  constructor(home: string, env: Record<string, string | undefined>, stdin: string | undefined) {
    this.home = home;
    this.env = env;
    this.stdin = stdin;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  print(text: string): void {
    this.out += text;
    this.notify();
  }

  println(text = ''): void {
    this.print(`${text}\n`);
  }

  eprint(text: string): void {
    this.err += text;
    this.notify();
  }

  eprintln(text = ''): void {
    this.eprint(`${text}\n`);
  }

  onOutput(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers what SIGINT does for the running command; without one, SIGINT ends the run. */
  onInterrupt(handler: () => void): void {
    this.interruptHandlers.push(handler);
  }

  interrupt(): boolean {
    const handler = this.interruptHandlers.at(-1);
    if (handler === undefined) return false;
    handler();
    return true;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
