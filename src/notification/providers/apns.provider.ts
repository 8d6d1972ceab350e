import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ClientHttp2Session, connect, constants } from 'node:http2';
import type { Device } from '../../devices/devices.repository';
import { checkPushUrl } from '../../devices/push-endpoint';
import type { ApnsOptions } from '../notification.options';
import { channelCollapseKey, PushPayload } from '../push-payload';
import { signJwt } from './jwt';
import { outcomeOfError, outcomeOfStatus, PushOutcome, PushProvider } from './push-provider';

export interface ApnsSettings {
  ttlSeconds: number;
  requestTimeoutMs: number;
  allowLoopbackHttp: boolean;
}

/** Apple accepts a provider token for an hour and refuses a new one more often than every 20 minutes. */
const TOKEN_LIFETIME_MS = 50 * 60 * 1000;
/**
 * Reasons that mean the device token is dead (Apple's table of APNs error reasons). Not
 * DeviceTokenNotForTopic: a wrong APNS_TOPIC would answer that for every device and delete them all.
 */
const GONE_REASONS = new Set(['BadDeviceToken', 'Unregistered', 'ExpiredToken']);

/**
 * Apple Push Notification service with token-based auth: HTTP/2 `POST /3/device/<token>` with an ES256
 * provider JWT (`kid` = key id, `iss` = team id), over one long-lived connection as Apple asks. Written on
 * node:http2 rather than a library: apns2 always dials port 443 of a named host and @parse/node-apn
 * speaks TLS only, so neither could be tested against a local stand-in.
 */
export class ApnsProvider extends PushProvider {
  readonly name = 'apns';
  private readonly key: KeyObject;
  private readonly origin: string;
  private session?: ClientHttp2Session;
  private jwt?: { value: string; at: number };

  constructor(
    private readonly options: ApnsOptions,
    private readonly settings: ApnsSettings,
  ) {
    super();
    const url = checkPushUrl(options.url, settings.allowLoopbackHttp);
    if (typeof url === 'string') throw new Error(`APNS_URL ${url}`);
    this.origin = url.origin;
    try {
      this.key = createPrivateKey(readFileSync(options.keyFile, 'utf8'));
    } catch (e) {
      throw new Error(`APNS_KEY_FILE ${options.keyFile}: cannot read the .p8 key (${(e as Error).message})`, {
        cause: e,
      });
    }
    if (this.key.asymmetricKeyType !== 'ec') throw new Error('APNS_KEY_FILE: not an EC (P-256) key');
  }

  async send(device: Device, payload: PushPayload): Promise<PushOutcome> {
    if (!device.token) return { result: 'failed', detail: 'apns device without a token' };
    let answer: { status: number; body: string };
    try {
      answer = await this.post(`/3/device/${encodeURIComponent(device.token)}`, this.body(payload), {
        authorization: `bearer ${this.providerToken()}`,
        'apns-topic': this.options.topic,
        'apns-push-type': 'alert',
        'apns-priority': '10',
        'apns-expiration': String(Math.floor(Date.now() / 1000) + this.settings.ttlSeconds),
        'apns-collapse-id': channelCollapseKey(payload.channelId),
      });
    } catch (e) {
      return outcomeOfError(e);
    }
    if (answer.status === 200) return { result: 'ok' };
    const reason = parseReason(answer.body);
    if (answer.status === 410 || GONE_REASONS.has(reason)) return { result: 'gone', detail: reason };
    if (reason === 'ExpiredProviderToken') {
      this.jwt = undefined;
      return { result: 'retry', detail: reason };
    }
    return outcomeOfStatus(answer.status, reason);
  }

  override async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s && !s.closed) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private body(p: PushPayload): string {
    const { title, body, ...fields } = p;
    return JSON.stringify({
      aps: { alert: { title, body }, badge: p.badge, sound: 'default', 'thread-id': p.channelId },
      ...fields,
    });
  }

  private providerToken(): string {
    const now = Date.now();
    if (!this.jwt || now - this.jwt.at > TOKEN_LIFETIME_MS) {
      const value = signJwt(
        'ES256',
        { kid: this.options.keyId },
        { iss: this.options.teamId, iat: Math.floor(now / 1000) },
        this.key,
      );
      this.jwt = { value, at: now };
    }
    return this.jwt.value;
  }

  private connection(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = connect(this.origin);
    const drop = () => {
      if (this.session === session) this.session = undefined;
    };
    // A failed or closed connection is replaced on the next send; its requests fail and are retried.
    session.on('error', drop);
    session.on('goaway', drop);
    session.on('close', drop);
    // An idle connection must not keep a stopping process alive.
    session.unref();
    this.session = session;
    return session;
  }

  private post(path: string, body: string, headers: Record<string, string>) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = this.connection().request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: path,
        'content-type': 'application/json',
        ...headers,
      });
      let status = 0;
      const chunks: Buffer[] = [];
      req.setTimeout(this.settings.requestTimeoutMs, () => {
        req.close(constants.NGHTTP2_CANCEL);
        reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
      });
      req.on('response', (h) => (status = Number(h[constants.HTTP2_HEADER_STATUS])));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
      req.on('error', reject);
      req.end(body);
    });
  }
}

function parseReason(body: string): string {
  try {
    const r = (JSON.parse(body) as { reason?: unknown }).reason;
    return typeof r === 'string' ? r.slice(0, 100) : '';
  } catch {
    return '';
  }
}
