import { createECDH, createPublicKey, createDecipheriv, ECDH, hkdfSync, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inbox } from '../builders';
import { checkTimes, readBody, verifyJwt } from './jwt-check';

/** What a browser holds for one subscription: its P-256 key pair and auth secret (RFC 8291). */
export interface TestSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  ecdh: ECDH;
  authSecret: Buffer;
}

/** A notification the service accepted, decrypted. */
export interface WebPushDelivery {
  subscriptionId: string;
  text: string;
  payload: unknown;
  headers: { ttl: string; urgency?: string; topic?: string };
  vapid: { claims: Record<string, unknown>; publicKey: string };
}

/**
 * A local Web Push service on 127.0.0.1, the part of a browser vendor's push service that the app talks
 * to (RFC 8030 `POST <endpoint>`), checking what a real one checks and decrypting what the browser would:
 * - `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292): the ES256 signature verifies with k, `aud`
 *   is this service's origin, `exp` is within 24 h, `sub` is a mailto: or https: contact; and k is the key
 *   the subscription was made with (the server's VAPID public key);
 * - `Content-Encoding: aes128gcm` and a `TTL` header; the body decrypts (RFC 8291 key derivation, RFC 8188
 *   records) with the subscription's private key and auth secret.
 * A request that fails a check is answered 400 and listed in `problems`. Statuses can be scripted per
 * subscription (410 gone, 429, 503...); otherwise the answer is 201 and the notification is `received`.
 */
export class LocalWebPushService {
  readonly received = new Inbox<WebPushDelivery>();
  readonly requests: { subscriptionId: string; status: number }[] = [];
  readonly problems: string[] = [];
  private readonly subs = new Map<string, TestSubscription>();
  private readonly scripted = new Map<string, number[]>();
  private n = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly applicationServerKey: () => string | undefined,
  ) {}

  /** `applicationServerKey` returns the VAPID public key subscriptions are made with (from the app). */
  static async start(applicationServerKey: () => string | undefined): Promise<LocalWebPushService> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new LocalWebPushService(server, `http://127.0.0.1:${port}`, applicationServerKey);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void self.handle(req, res));
    return self;
  }

  /** A new subscription, as PushManager.subscribe() would make it in a browser. */
  subscribe(): TestSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const authSecret = randomBytes(16);
    const id = `sub${++this.n}-${randomBytes(4).toString('hex')}`;
    const sub: TestSubscription = {
      id,
      endpoint: `${this.origin}/push/${id}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
      ecdh,
      authSecret,
    };
    this.subs.set(id, sub);
    return sub;
  }

  /** The next requests for the subscription get these statuses, in order; then 201 again. */
  respondWith(subscriptionId: string, ...statuses: number[]): void {
    this.scripted.set(subscriptionId, [...(this.scripted.get(subscriptionId) ?? []), ...statuses]);
  }

  deliveriesTo(subscriptionId: string): WebPushDelivery[] {
    return this.received.items.filter((d) => d.subscriptionId === subscriptionId);
  }

  statusesFor(subscriptionId: string): number[] {
    return this.requests.filter((r) => r.subscriptionId === subscriptionId).map((r) => r.status);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    const body = await readBody(req);
    const sub = this.subs.get(id);
    if (req.method !== 'POST' || !sub) return this.answer(res, id, 404);
    let delivery: WebPushDelivery;
    try {
      delivery = this.check(sub, req, body);
    } catch (e) {
      this.problems.push(`${id}: ${(e as Error).message}`);
      return this.answer(res, id, 400);
    }
    const status = this.scripted.get(id)?.shift() ?? 201;
    this.answer(res, id, status);
    if (status === 201) this.received.push(delivery);
  }

  private answer(res: ServerResponse, subscriptionId: string, status: number): void {
    this.requests.push({ subscriptionId, status });
    res.writeHead(
      status,
      status === 201 ? { location: `${this.origin}/message/${randomBytes(4).toString('hex')}` } : {},
    );
    res.end();
  }

  private check(sub: TestSubscription, req: IncomingMessage, body: Buffer): WebPushDelivery {
    const h = req.headers;
    if (h['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${h['content-encoding']}`);
    const ttl = String(h.ttl ?? '');
    if (!/^\d+$/.test(ttl)) throw new Error('missing or bad TTL header');
    const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(String(h.authorization ?? ''));
    if (!m) throw new Error(`Authorization is not "vapid t=..., k=...": ${h.authorization}`);
    const [, jwt, k] = m;
    const expectedKey = this.applicationServerKey();
    if (k !== expectedKey) throw new Error('k is not the key the subscription was made with');
    const { claims } = verifyJwt(jwt, 'ES256', p256PublicKey(Buffer.from(k, 'base64url')));
    if (claims.aud !== this.origin) throw new Error(`aud ${String(claims.aud)} is not ${this.origin}`);
    checkTimes(claims, 24 * 3600);
    if (claims.exp === undefined) throw new Error('no exp');
    if (!/^(mailto:|https:)/.test(String(claims.sub))) throw new Error(`sub ${String(claims.sub)}`);
    const text = decryptAes128gcm(body, sub.ecdh, sub.authSecret).toString('utf8');
    return {
      subscriptionId: sub.id,
      text,
      payload: JSON.parse(text) as unknown,
      headers: { ttl, urgency: h.urgency as string | undefined, topic: h.topic as string | undefined },
      vapid: { claims, publicKey: k },
    };
  }
}

function p256PublicKey(point: Buffer) {
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
}

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number) =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/**
 * Decrypts an aes128gcm Web Push message body as the user agent does. RFC 8188 header: salt (16) | rs (4)
 * | idlen (1) | keyid (the sender's ephemeral P-256 public key, 65 bytes); then records of rs bytes, each
 * AES-128-GCM with a 16-byte tag, plaintext padded with a delimiter (2 on the last record, 1 before).
 * RFC 8291 keys: IKM = HKDF(auth secret, ECDH secret, "WebPush: info\0" | ua_public | as_public, 32).
 */
export function decryptAes128gcm(body: Buffer, ua: ECDH, authSecret: Buffer): Buffer {
  if (body.length < 21) throw new Error('body shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  if (idlen !== 65) throw new Error(`keyid is ${idlen} bytes, not a P-256 public key`);
  const asPublic = body.subarray(21, 21 + idlen);
  if (rs < 18) throw new Error(`record size ${rs}`);
  const shared = ua.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ua.getPublicKey(), asPublic]);
  const ikm = hkdf(shared, authSecret, keyInfo, 32);
  const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12);
  const records: Buffer[] = [];
  const data = body.subarray(21 + idlen);
  for (let off = 0, seq = 0; off < data.length; off += rs, seq++) {
    const rec = data.subarray(off, Math.min(off + rs, data.length));
    const iv = Buffer.from(nonce);
    // NONCE XOR SEQ (a 96-bit big-endian counter; these bodies have few records, so the low 32 bits).
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, iv);
    decipher.setAuthTag(rec.subarray(rec.length - 16));
    const plain = Buffer.concat([decipher.update(rec.subarray(0, rec.length - 16)), decipher.final()]);
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const last = off + rs >= data.length;
    if (end < 0 || plain[end] !== (last ? 2 : 1)) throw new Error(`record ${seq}: bad padding delimiter`);
    records.push(plain.subarray(0, end));
  }
  return Buffer.concat(records);
}
