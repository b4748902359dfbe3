// @jetbridge/api-types: the Concourse API's JSON shapes and the business errors services throw.
export {
  NotFoundError,
  ConflictError,
  BadRequestError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ConfigVersionMismatchError,
} from './errors.ts';
export type * from './types.ts';
