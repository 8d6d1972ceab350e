import type { ErrorCode } from '../contract';

export type { ErrorBody, ErrorCode } from '../contract';

/** The one catalogue of error codes clients see (DESIGN.md section 7), with their HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

/** A domain error with a stable code. Services throw these; transports map them. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static badRequest(message = 'bad request'): AppError {
    return new AppError('bad_request', message);
  }
  static unauthorized(message = 'unauthorized'): AppError {
    return new AppError('unauthorized', message);
  }
  static forbidden(message = 'forbidden'): AppError {
    return new AppError('forbidden', message);
  }
  static notFound(message = 'not found'): AppError {
    return new AppError('not_found', message);
  }
  static conflict(message: string): AppError {
    return new AppError('conflict', message);
  }
}

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  Object.entries(ERROR_STATUS).map(([code, status]) => [status, code as ErrorCode]),
);

export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS.get(status) ?? (status >= 500 ? 'internal' : 'bad_request');
}
