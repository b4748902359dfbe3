// The one place business errors become Concourse's status codes and bodies.
import {
  BadRequestError,
  ConfigVersionMismatchError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@jetbridge/api-types';
import {
  MalformedConfigError,
  MalformedInstanceVarsError,
  ValidationError as PipelineValidationError,
} from '@jetbridge/pipeline';
import type { Logger } from '@jetbridge/telemetry';
import { json, text } from './respond.ts';

export function errorResponse(err: unknown, log: Logger): Response {
  if (err instanceof NotFoundError) return json(404, { errors: [{ detail: err.message }] });
  if (err instanceof UnauthorizedError) return text(401, 'not authorized');
  if (err instanceof ForbiddenError) return text(403, 'forbidden');
  if (err instanceof ConflictError) return text(409, err.message);
  if (err instanceof BadRequestError) return json(400, { errors: err.errors });
  if (err instanceof ValidationError) return json(400, { errors: err.errors });
  if (err instanceof MalformedConfigError) return json(400, { errors: [err.message] });
  if (err instanceof MalformedInstanceVarsError) return json(400, { errors: [err.message] });
  if (err instanceof PipelineValidationError) return json(400, { errors: [err.message] });
  if (err instanceof PayloadTooLargeError) return text(413, err.message);
  if (err instanceof UnsupportedMediaTypeError) return text(415, err.message);
  if (err instanceof ConfigVersionMismatchError) return text(500, err.message);

  log.error({ err }, 'request-failed');
  return text(500, 'internal server error; the server log has the details');
}
