// Why a running step is being stopped: an abort or timeout (the step ends and the pod goes), or
// the executor shutting down (the command keeps running and another replica takes the job over).
// `byExecutor` marks the executor's own step timeout: then the executor writes `timeout exceeded` to
// the log; when web asks (abort or its own timeout), web writes what happened.
export type StopReason =
  { kind: 'abort'; reason: 'aborted' | 'timeout'; byExecutor?: boolean } | { kind: 'shutdown' };

export class StepStoppedError extends Error {
  override name = 'StepStoppedError';
  readonly stop: StopReason;

  constructor(stop: StopReason) {
    super(stop.kind === 'abort' ? stop.reason : 'executor shutting down');
    this.stop = stop;
  }
}

/** Rejects with the stop reason as soon as `signal` fires. */
export function untilStopped<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}
