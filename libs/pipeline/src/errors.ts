// Typed errors of the pipeline language; the API layer maps them to Concourse's responses.

/** The document could not be read as a pipeline config (YAML or shape). */
export class MalformedConfigError extends Error {
  readonly detail: string;

  constructor(detail: string) {
    super(`malformed config: ${detail}`);
    this.name = 'MalformedConfigError';
    this.detail = detail;
  }
}

/** A value failed validation; `path` says where in the config it sits. */
export class ValidationError extends Error {
  readonly path: string;
  readonly errors: string[];

  constructor(path: string, errors: string[]) {
    super(`invalid ${path || 'config'}:\n${errors.map((e) => `\t${e}`).join('\n')}`);
    this.name = 'ValidationError';
    this.path = path;
    this.errors = errors;
  }
}

/** Instance vars in a query string could not be decoded. */
export class MalformedInstanceVarsError extends Error {
  constructor(detail: string) {
    super(`malformed instance vars: ${detail}`);
    this.name = 'MalformedInstanceVarsError';
  }
}
