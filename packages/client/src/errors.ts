import type { ErrorBody, ErrorCode } from './contract';

/** A socket event answered `{ok: false, error}`: the contract's error code and message. */
export class ChatAckError extends Error {
  readonly code: ErrorCode | 'timeout';
  constructor(error: ErrorBody | { code: 'timeout'; message: string }) {
    super(`${error.code}: ${error.message}`);
    this.code = error.code;
  }
}
