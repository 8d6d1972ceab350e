/** Every error code a client may see (DESIGN.md section 7). */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** On a 5xx answer: the request id to quote when reporting it (the logs carry the same id). */
  requestId?: string;
}

/** A REST error answer: `{"error": {"code", "message"}}` with the matching HTTP status. */
export interface ErrorResponse {
  error: ErrorBody;
}

/** The answer to every client event: `{ok: true, ...}` or `{ok: false, error}`. */
export type AckResult<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
