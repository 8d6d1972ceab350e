import type { Device } from '../../devices/devices.repository';
import { checkPushUrl } from '../../devices/push-endpoint';
import type { FcmOptions } from '../notification.options';
import { channelCollapseKey, PushPayload } from '../push-payload';
import {
  FCM_SCOPE,
  loadServiceAccount,
  ServiceAccount,
  ServiceAccountTokens,
  TokenError,
} from './google-service-account';
import { outcomeOfError, outcomeOfStatus, PushOutcome, PushProvider } from './push-provider';

export interface FcmSettings {
  ttlSeconds: number;
  requestTimeoutMs: number;
  allowLoopbackHttp: boolean;
}

interface FcmErrorBody {
  error?: { code?: number; status?: string; details?: { '@type'?: string; errorCode?: string }[] };
}

/**
 * Firebase Cloud Messaging over its HTTP v1 API (`POST /v1/projects/{project}/messages:send` with an
 * OAuth bearer token of the service account). firebase-admin is not used: it sends to a fixed
 * https://fcm.googleapis.com and fetches tokens from a fixed Google host, with no override or emulator
 * for messaging, so it could not be tested against a local stand-in. The request is the same one the SDK
 * makes.
 */
export class FcmProvider extends PushProvider {
  readonly name = 'fcm';
  private readonly account: ServiceAccount;
  private readonly tokens: ServiceAccountTokens;
  private readonly sendUrl: string;

  constructor(
    options: FcmOptions,
    private readonly settings: FcmSettings,
  ) {
    super();
    const base = checkPushUrl(options.url, settings.allowLoopbackHttp);
    if (typeof base === 'string') throw new Error(`FCM_URL ${base}`);
    this.account = loadServiceAccount(options.serviceAccountFile, settings.allowLoopbackHttp);
    this.tokens = new ServiceAccountTokens(this.account, FCM_SCOPE, settings.requestTimeoutMs);
    const project = encodeURIComponent(this.account.projectId);
    this.sendUrl = new URL(`v1/projects/${project}/messages:send`, withSlash(base)).href;
  }

  async send(device: Device, payload: PushPayload): Promise<PushOutcome> {
    if (!device.token) return { result: 'failed', detail: 'fcm device without a token' };
    let accessToken: string;
    try {
      accessToken = await this.tokens.get();
    } catch (e) {
      const retryable = e instanceof TokenError ? e.retryable : true;
      return { result: retryable ? 'retry' : 'failed', detail: (e as Error).message };
    }
    let res: Response;
    try {
      res = await fetch(this.sendUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: this.message(device.token, payload) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
      });
    } catch (e) {
      return outcomeOfError(e);
    }
    if (res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      return { result: 'ok' };
    }
    const err = ((await res.json().catch(() => ({}))) as FcmErrorBody).error;
    const code = err?.details?.find((x) => x.errorCode)?.errorCode ?? err?.status ?? '';
    if (code === 'UNREGISTERED' || code === 'NOT_FOUND') return { result: 'gone', detail: code };
    if (res.status === 401) {
      // The access token was refused (revoked, or the clock was off): fetch a fresh one next time.
      this.tokens.invalidate();
      return { result: 'retry', detail: `401 ${code}`.trim() };
    }
    return outcomeOfStatus(res.status === 404 ? 400 : res.status, code);
  }

  /** The v1 `Message`: a visible notification plus the same fields as string data for the app. */
  private message(token: string, p: PushPayload): Record<string, unknown> {
    const data: Record<string, string> = {
      type: p.type,
      channelId: p.channelId,
      channelType: p.channelType,
      messageId: p.messageId,
      senderId: p.senderId,
      senderName: p.senderName,
      count: String(p.count),
      badge: String(p.badge),
      ...(p.preview === undefined ? {} : { preview: p.preview }),
    };
    return {
      token,
      notification: { title: p.title, body: p.body },
      data,
      android: {
        priority: 'high',
        ttl: `${this.settings.ttlSeconds}s`,
        // A newer notification of the channel replaces the one in the tray.
        notification: { tag: channelCollapseKey(p.channelId) },
      },
      apns: {
        headers: { 'apns-collapse-id': channelCollapseKey(p.channelId) },
        payload: { aps: { badge: p.badge } },
      },
    };
  }
}

function withSlash(u: URL): URL {
  return u.pathname.endsWith('/') ? u : new URL(`${u.href}/`);
}
