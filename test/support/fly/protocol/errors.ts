// Errors the protocol client raises; each prints the way fly prints the Go error it mirrors.

/** Ends the command with an exit code, like os.Exit in fly. */
export class FlyExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** Printed by fly's main as the "not authorized" login hint. */
export class UnauthorizedError extends Error {
  constructor() {
    super('not authorized');
  }
}

export class NoTargetSpecifiedError extends Error {
  constructor() {
    super('no target specified');
  }
}

export class ForbiddenError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`forbidden: ${reason}`);
    this.reason = reason;
  }
}

/** A non-2xx answer fly did not expect; the text matches go-concourse's formatting. */
export class UnexpectedResponseError extends Error {
  readonly statusCode: number;
  readonly body: string;
  constructor(statusCode: number, status: string, body: string) {
    super(`Unexpected Response\nStatus: ${status}\nBody:\n${body}`);
    this.statusCode = statusCode;
    this.body = body;
  }
}

/** A 404, with the JSON:API error details when the server sent any. */
export class ResourceNotFoundError extends Error {
  constructor(details: string[]) {
    super(details.length === 0 ? 'resource not found' : details.join(' '));
  }
}

export class InvalidConfigError extends Error {
  constructor(errors: string[]) {
    super(`invalid pipeline config:\n${errors.join('\n')}`);
  }
}

/** A transport failure (connection refused, reset): fly's "could not reach" message. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
  }
}
