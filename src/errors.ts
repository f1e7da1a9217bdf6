/**
 * One error type with codes, mapped to HTTP once at the edge (src/handlers/http-errors.ts).
 * Expected outcomes inside flows are values, not exceptions; AppError is for requests we refuse.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** Safe to show to the caller: never contains secrets, private data or stack traces. */
    readonly publicMessage: string,
    readonly details?: unknown,
  ) {
    super(publicMessage);
    this.name = "AppError";
  }
}
