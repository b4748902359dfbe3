// Kubernetes v1 Status errors: every failure the API returns is one of these, rendered in one place.
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'Expired'
  | 'InternalError';

const codes: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  NotFound: 404,
  MethodNotAllowed: 405,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  Invalid: 422,
  InternalError: 500,
};

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  kind?: string;
  causes?: StatusCause[];
}

export class StatusError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  readonly details: StatusDetails | undefined;

  constructor(reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.reason = reason;
    this.code = codes[reason];
    this.details = details;
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export function notFound(resource: string, name: string): StatusError {
  return new StatusError('NotFound', `${resource} "${name}" not found`, { name, kind: resource });
}

export function alreadyExists(resource: string, name: string): StatusError {
  return new StatusError('AlreadyExists', `${resource} "${name}" already exists`, {
    name,
    kind: resource,
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError('BadRequest', message);
}
