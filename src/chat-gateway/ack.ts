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
    const error: ErrorBody =
      e instanceof AppError
        ? { code: e.code, message: e.message }
        : { code: 'internal', message: 'internal error' };
    if (!(e instanceof AppError)) logger.error({ err: e, event }, 'socket event failed');
    onError?.(error.code);
    return { ok: false, error };
  }
}
