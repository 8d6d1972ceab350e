import { Logger } from '@nestjs/common';
import { AppError, ErrorBody } from '../common/app-error';

export type Ack<T extends object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

const logger = new Logger('ChatGateway');

/** Runs an event handler and turns its outcome into the contract's ack; nothing a client sends can throw past this. */
export async function toAck<T extends object>(
  event: string,
  fn: () => Promise<T>,
  onError?: (code: string) => void,
): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (e) {
    const ack = errorAck(event, e);
    onError?.(ack.error.code);
    return ack;
  }
}

/** The contract's error ack for a failure: an AppError as it is, anything else as `internal` (and logged). */
export function errorAck(event: string, e: unknown): { ok: false; error: ErrorBody } {
  if (e instanceof AppError) return { ok: false, error: { code: e.code, message: e.message } };
  logger.error({ err: e, event }, 'socket event failed');
  return { ok: false, error: { code: 'internal', message: 'internal error' } };
}
