import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, codeForStatus, ErrorBody } from './app-error';
import { dependencies } from './dependency-state';

/** Seconds a client is asked to wait before retrying an `unavailable` answer. */
export const RETRY_AFTER_SECONDS = 2;

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** Turns every failure of an HTTP request into the contract's error shape; a 5xx never leaks internals. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request & { id?: string }>();
    const { status, body } = toErrorBody(exception);
    if (status >= 500) body.requestId = req.id === undefined ? undefined : String(req.id);
    // 503 is a known state (a store or a dependency down, logged where it is tracked), not a failure to trace.
    if (status >= 500 && status !== 503)
      this.logger.error({ err: exception, requestId: body.requestId }, 'request failed');
    if (res.headersSent) return;
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(status).json({ error: body });
  }
}

/** A store outage is `unavailable` (logged once per outage by the tracker, not here per request). */
export function toErrorBody(exception: unknown): { status: number; body: ErrorBody } {
  if (dependencies.report(exception)) {
    return {
      status: 503,
      body: { code: 'unavailable', message: 'a backing store is unavailable; retry shortly' },
    };
  }
  if (exception instanceof AppError) {
    return { status: exception.status, body: { code: exception.code, message: exception.message } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeForStatus(status);
    const message = status >= 500 ? 'internal error' : httpMessage(exception);
    return { status, body: { code, message } };
  }
  // body-parser errors (malformed JSON, body too large) carry a status and a type.
  const e = exception as HttpLikeError | undefined;
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message =
      e?.type === 'entity.too.large'
        ? 'request body too large'
        : e?.type === 'entity.parse.failed'
          ? 'malformed JSON body'
          : (e?.message ?? 'bad request');
    return { status, body: { code: codeForStatus(status), message } };
  }
  return { status: 500, body: { code: 'internal', message: 'internal error' } };
}

function httpMessage(e: HttpException): string {
  const r = e.getResponse();
  if (typeof r === 'string') return r;
  const m = (r as { message?: unknown }).message;
  if (Array.isArray(m)) return m.join('; ');
  return typeof m === 'string' ? m : e.message;
}
