import { generateRequestDetails } from 'web-push';
import type { Device } from '../../devices/devices.repository';
import { checkPushUrl } from '../../devices/push-endpoint';
import type { VapidOptions } from '../notification.options';
import { channelCollapseKey, PushPayload } from '../push-payload';
import { outcomeOfError, outcomeOfStatus, PushOutcome, PushProvider } from './push-provider';

export interface WebPushSettings {
  ttlSeconds: number;
  requestTimeoutMs: number;
  allowLoopbackHttp: boolean;
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and an aes128gcm body (RFC 8291). `web-push` builds the
 * request (encryption, VAPID JWT, headers); we send it with fetch, because its own sender speaks https
 * only and we need plain http to loopback stand-ins in tests. The push service is the browser vendor's.
 */
export class WebPushProvider extends PushProvider {
  readonly name = 'webpush';

  constructor(
    private readonly vapid: VapidOptions,
    private readonly settings: WebPushSettings,
  ) {
    super();
  }

  async send(device: Device, payload: PushPayload): Promise<PushOutcome> {
    const sub = device.subscription;
    if (!sub) return { result: 'failed', detail: 'web device without a subscription' };
    const url = checkPushUrl(sub.endpoint, this.settings.allowLoopbackHttp);
    if (typeof url === 'string') return { result: 'failed', detail: `endpoint ${url}` };
    let request: ReturnType<typeof generateRequestDetails>;
    try {
      request = generateRequestDetails(sub, JSON.stringify(payload), {
        vapidDetails: this.vapid,
        TTL: this.settings.ttlSeconds,
        urgency: 'high',
        topic: channelCollapseKey(payload.channelId),
        contentEncoding: 'aes128gcm',
      });
    } catch (e) {
      return { result: 'failed', detail: `cannot encrypt for this subscription: ${(e as Error).message}` };
    }
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: headersOf(request.headers),
        body: request.body ?? undefined,
        // A push service answers; it does not send us elsewhere (and a redirect could point anywhere).
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
      });
      const reason = (await res.text().catch(() => '')).slice(0, 200);
      return outcomeOfStatus(res.status, reason);
    } catch (e) {
      return outcomeOfError(e);
    }
  }
}

/** web-push's headers as fetch takes them; fetch sets Content-Length from the body itself. */
function headersOf(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (k.toLowerCase() !== 'content-length' && v !== undefined) out[k] = String(v);
  return out;
}
