// Errors of the pod runtime, each naming what happened to the step.

/** The exec connection ended before the process reported its exit status. */
export class ExecInterruptedError extends Error {
  override name = 'ExecInterruptedError';
}

/** The exec could not start the process (for example the executable is missing). */
export class ExecFailedError extends Error {
  override name = 'ExecFailedError';
  readonly executableNotFound: boolean;

  constructor(message: string) {
    super(message);
    this.executableNotFound = /not found|no such file|executable file/i.test(message);
  }
}

/** The pod never became able to run the step. */
export class PodStartupError extends Error {
  override name = 'PodStartupError';
  readonly reason: string;
  readonly diagnostics: string;

  constructor(reason: string, message: string, diagnostics: string) {
    super(message);
    this.reason = reason;
    this.diagnostics = diagnostics;
  }
}
