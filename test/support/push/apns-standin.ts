import { generateKeyPairSync, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { constants, createServer, Http2Server, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inbox } from '../builders';
import { checkTimes, verifyJwt } from './jwt-check';

export interface ApnsDelivery {
  deviceToken: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

type Answer = { status: number; reason?: string };

/**
 * A STAND-IN for the Apple Push Notification service's provider API, following Apple's documentation, on
 * 127.0.0.1 over HTTP/2 (cleartext h2c: the real service is the same protocol over TLS):
 * `POST /3/device/<device token>` with `authorization: bearer <JWT>` (ES256, header kid = key id, claims
 * iss = team id and a recent iat, signed by the .p8 key this stand-in generated), `apns-topic` = the app's
 * bundle id, `apns-push-type`, and a JSON body with an `aps` dictionary. Answers 200 with an apns-id, or a
 * scripted error (410 Unregistered, 400 BadDeviceToken, 429 TooManyRequests, 503...) with `{reason}`.
 */
export class ApnsStandin {
  readonly received = new Inbox<ApnsDelivery>();
  readonly requests: { deviceToken: string; status: number }[] = [];
  readonly problems: string[] = [];
  readonly keyFile: string;
  readonly keyId = 'ABC123DEFG';
  readonly teamId = 'DEF123GHIJ';
  readonly topic = 'com.example.chat';
  private readonly publicKey: KeyObject;
  private readonly scripted = new Map<string, Answer[]>();

  private constructor(
    private readonly server: Http2Server,
    readonly url: string,
  ) {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.publicKey = publicKey;
    this.keyFile = join(mkdtempSync(join(tmpdir(), 'apns-standin-')), `AuthKey_${this.keyId}.p8`);
    writeFileSync(this.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }

  static async start(): Promise<ApnsStandin> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new ApnsStandin(server, `http://127.0.0.1:${port}`);
    server.on('stream', (stream, headers) => self.handle(stream, headers));
    return self;
  }

  /** A device token as iOS hands it to the app (32 bytes, hex). */
  static aToken(): string {
    return randomBytes(32).toString('hex');
  }

  respondWith(deviceToken: string, ...answers: Answer[]): void {
    this.scripted.set(deviceToken, [...(this.scripted.get(deviceToken) ?? []), ...answers]);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const path = String(headers[constants.HTTP2_HEADER_PATH]);
      const deviceToken = /^\/3\/device\/([0-9a-fA-F]+)$/.exec(path)?.[1] ?? '';
      let answer: Answer;
      let body: Record<string, unknown> = {};
      try {
        body = this.check(headers, deviceToken, Buffer.concat(chunks).toString('utf8'));
        answer = this.scripted.get(deviceToken)?.shift() ?? { status: 200 };
      } catch (e) {
        this.problems.push((e as Error).message);
        answer = { status: 403, reason: 'InvalidProviderToken' };
      }
      this.requests.push({ deviceToken, status: answer.status });
      const apnsId = randomUUID();
      stream.respond({ ':status': answer.status, 'apns-id': apnsId, 'content-type': 'application/json' });
      stream.end(
        answer.reason ? JSON.stringify({ reason: answer.reason, timestamp: Date.now() }) : undefined,
      );
      if (answer.status === 200) this.received.push({ deviceToken, headers, body });
    });
  }

  private check(h: IncomingHttpHeaders, deviceToken: string, raw: string): Record<string, unknown> {
    if (h[constants.HTTP2_HEADER_METHOD] !== 'POST') throw new Error(`method ${h[':method']}`);
    if (!deviceToken) throw new Error(`path ${h[':path']}`);
    const jwt = /^bearer (.+)$/.exec(String(h.authorization ?? ''))?.[1];
    if (!jwt) throw new Error('no bearer provider token');
    const { header, claims } = verifyJwt(jwt, 'ES256', this.publicKey);
    if (header.kid !== this.keyId) throw new Error(`kid ${String(header.kid)}`);
    if (claims.iss !== this.teamId) throw new Error(`iss ${String(claims.iss)}`);
    checkTimes(claims, 3600);
    if (!(Number(claims.iat) > Date.now() / 1000 - 3600)) throw new Error('iat older than an hour');
    if (h['apns-topic'] !== this.topic) throw new Error(`apns-topic ${String(h['apns-topic'])}`);
    if (h['apns-push-type'] !== 'alert') throw new Error(`apns-push-type ${String(h['apns-push-type'])}`);
    const collapseId = h['apns-collapse-id'];
    if (collapseId !== undefined && Buffer.byteLength(String(collapseId)) > 64)
      throw new Error('apns-collapse-id longer than 64 bytes');
    if (Buffer.byteLength(raw) > 4096) throw new Error('payload larger than 4 KB');
    const body = JSON.parse(raw) as Record<string, unknown>;
    if (typeof body.aps !== 'object' || body.aps === null) throw new Error('no aps dictionary');
    return body;
  }
}
