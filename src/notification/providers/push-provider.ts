import type { Device } from '../../devices/devices.repository';
import type { PushPayload } from '../push-payload';

/**
 * - ok: the push service accepted it.
 * - gone: the address is no longer valid (uninstalled app, expired subscription): delete the device.
 * - retry: a transient failure (429, 5xx, network): try again later with backoff.
 * - failed: anything else; counted and logged, not retried.
 */
export type PushResult = 'ok' | 'gone' | 'retry' | 'failed';

export interface PushOutcome {
  result: PushResult;
  /** Status and the service's reason, for logs and metrics. Never the payload or the device's address. */
  detail?: string;
}

/** One platform's push service. */
export abstract class PushProvider {
  /** Shown in logs and metrics: webpush, fcm, apns, log. */
  abstract readonly name: string;

  abstract send(device: Device, payload: PushPayload): Promise<PushOutcome>;

  /** Releases connections on shutdown. */
  async close(): Promise<void> {}
}

/** The usual mapping of an HTTP answer from a push service. */
export function outcomeOfStatus(status: number, detail?: string): PushOutcome {
  const d = detail ? `${status} ${detail}` : String(status);
  if (status >= 200 && status < 300) return { result: 'ok' };
  if (status === 404 || status === 410) return { result: 'gone', detail: d };
  if (status === 429 || status >= 500) return { result: 'retry', detail: d };
  return { result: 'failed', detail: d };
}

/** A network failure or timeout talking to a push service is worth another try. */
export function outcomeOfError(e: unknown): PushOutcome {
  const err = e as { name?: string; message?: string; cause?: { code?: string } };
  const what = err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.message ?? String(e));
  return { result: 'retry', detail: `request failed: ${what}` };
}
