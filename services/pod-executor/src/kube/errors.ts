// Errors of the pod runtime, each naming what happened to the step.

/** The exec connection ended before the process reported its exit status. */
export class ExecInterruptedError extends Error {
  override name = 'ExecInterruptedError';
}

/** The exec could not start the process (for example the executable is missing). */
export class ExecFailedError extends Error {
  override name = 'ExecFailedError';
  readonly executableNotFound: boolean;
  /** The HTTP status the API server refused the exec with, when it refused the upgrade. */
  readonly statusCode: number | undefined;

  constructor(message: string, statusCode?: number) {
    super(message);
    this.statusCode = statusCode;
    // A refused request (the pod is gone, say) is not a missing executable.
    this.executableNotFound =
      statusCode === undefined &&
      !/container not found/i.test(message) &&
      /not found|no such file|executable file/i.test(message);
  }
}

/** The step's pod is gone while its command had started: the step cannot go on, nor run again. */
export class PodGoneError extends Error {
  override name = 'PodGoneError';
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
