/** Stable machine-readable error codes returned in the `error` field of every error response. */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedRequest = 'malformed_request',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  /** A cookie-authenticated write without the session's X-CSRF-Token. */
  CsrfFailed = 'csrf_failed',
  NotFound = 'not_found',
  Conflict = 'conflict',
  /** An Idempotency-Key sent again with a different request. */
  IdempotencyKeyReused = 'idempotency_key_reused',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  RateLimited = 'rate_limited',
  Internal = 'internal_error',
}

/** The HTTP status each code maps to; the one exception filter uses it. */
export const ERROR_CODE_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.MalformedRequest]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.CsrfFailed]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.IdempotencyKeyReused]: 422,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Internal]: 500,
};
