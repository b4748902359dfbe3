// One run of a piece of work at a time: a caller that arrives while it runs shares that run.
export function singleFlight<T>(work: () => Promise<T>): {
  run(): Promise<T>;
  idle(): Promise<void>;
} {
  let current: Promise<T> | null = null;
  return {
    run() {
      current ??= work().finally(() => {
        current = null;
      });
      return current;
    },
    async idle() {
      await current?.catch(() => {});
    },
  };
}
