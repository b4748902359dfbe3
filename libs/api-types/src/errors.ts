// Business errors of the Concourse API. Services throw these; the HTTP layer maps each kind to
// Concourse's status code and body in one place.

/** Something named in the request does not exist (404 with a JSON:API error body). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';

  constructor(message = 'resource not found') {
    super(message);
  }
}

/** The request conflicts with the state of the thing it names (409, plain text). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** The request is malformed (400). `errors` travel as `{"errors":[...]}`. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
  readonly errors: string[];

  constructor(message: string, errors: string[] = [message]) {
    super(message);
    this.errors = errors;
  }
}

/** A submitted config failed validation; `path` says which section (400 `{"errors":[...]}`). */
export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly path: string;
  readonly errors: string[];

  constructor(path: string, errors: string[]) {
    super(errors.join('\n'));
    this.path = path;
    this.errors = errors;
  }
}

/** No valid credentials (401 `not authorized`): log in again with `fly login`. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';

  constructor(message = 'not authorized') {
    super(message);
  }
}

/** Valid credentials without the role the action needs (403 `forbidden`). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';

  constructor(message = 'forbidden') {
    super(message);
  }
}

/** The request body is larger than the server accepts (413). */
export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`request body is larger than ${limitBytes} bytes; split it or shrink it`);
    this.limitBytes = limitBytes;
  }
}

/** The request body has a Content-Type the route does not read (415). */
export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
}

/** Optimistic locking failed: the stored config changed since the client read it (500 text). */
export class ConfigVersionMismatchError extends Error {
  override name = 'ConfigVersionMismatchError';

  constructor() {
    super('failed to save config: comparison with existing config failed during save');
  }
}
