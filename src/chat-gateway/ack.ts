import { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { dependencies } from '../common/dependency-state';
import type { AckResult, ErrorBody } from '../contract';

const logger = new Logger('ChatGateway');
const UNAVAILABLE: ErrorBody = {
  code: 'unavailable',
  message: 'a backing store is unavailable; retry shortly',
};

/** Runs an event handler and turns its outcome into the contract's ack; nothing a client sends can throw past this. */
export async function toAck<T extends object>(
  event: string,
  fn: () => Promise<T>,
  onError?: (code: string) => void,
): Promise<AckResult<T>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (e) {
    const ack = errorAck(event, e);
    onError?.(ack.error.code);
    return ack;
  }
}

/**
 * The contract's error ack for a failure: an AppError as it is, a store outage as `unavailable` (logged once
 * per outage by the tracker), anything else as `internal` (and logged, with the event's correlation id).
 */
export function errorAck(event: string, e: unknown, correlationId?: string): { ok: false; error: ErrorBody } {
  if (e instanceof AppError) return { ok: false, error: { code: e.code, message: e.message } };
  if (dependencies.report(e)) return { ok: false, error: UNAVAILABLE };
  logger.error({ err: e, event, correlationId }, 'socket event failed');
  return { ok: false, error: { code: 'internal', message: 'internal error' } };
}

/**
 * The `connect_error` message for a refused handshake: `forbidden` for a ban, `unavailable` for a store
 * outage (so a client retries instead of logging its user out), `unauthorized` for a bad token, and
 * `internal` (logged) for anything else.
 */
export function handshakeError(e: unknown): Error {
  if (e instanceof AppError) return new Error(e.code);
  if (dependencies.report(e)) return new Error('unavailable');
  logger.error({ err: e }, 'socket handshake failed');
  return new Error('internal');
}
