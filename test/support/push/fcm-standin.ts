import { generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inbox } from '../builders';
import { checkTimes, readBody, verifyJwt } from './jwt-check';

export interface FcmDelivery {
  token: string;
  message: Record<string, unknown>;
}

const PROJECT = 'chat-test-project';
const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/**
 * A STAND-IN for Firebase Cloud Messaging, following its documented HTTP APIs, on 127.0.0.1:
 * - Google's OAuth 2.0 token endpoint for service accounts (`POST /token`, grant type
 *   urn:ietf:params:oauth:grant-type:jwt-bearer): the assertion must be an RS256 JWT signed by the service
 *   account's key, with iss = client_email, aud = token_uri, the firebase.messaging scope, exp <= 1 h;
 * - FCM HTTP v1 `POST /v1/projects/{project_id}/messages:send` with `Authorization: Bearer <token from
 *   /token>` and a `{message: {token, notification, data, android...}}` body (data values are strings).
 * It writes a service account key file pointing at itself (token_uri). Failing requests are listed in
 * `problems`; per device token, answers can be scripted (UNREGISTERED, 503, 429...).
 */
export class FcmStandin {
  readonly received = new Inbox<FcmDelivery>();
  readonly requests: { token: string; status: number }[] = [];
  readonly problems: string[] = [];
  readonly serviceAccountFile: string;
  private readonly accessTokens = new Set<string>();
  private readonly scripted = new Map<string, ('unregistered' | number)[]>();
  private readonly publicKey: KeyObject;
  private readonly clientEmail = `push@${PROJECT}.iam.gserviceaccount.com`;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = publicKey;
    this.serviceAccountFile = join(mkdtempSync(join(tmpdir(), 'fcm-standin-')), 'service-account.json');
    writeFileSync(
      this.serviceAccountFile,
      JSON.stringify({
        type: 'service_account',
        project_id: PROJECT,
        private_key_id: randomBytes(20).toString('hex'),
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: this.clientEmail,
        client_id: '1234567890',
        token_uri: `${url}/token`,
      }),
    );
  }

  static async start(): Promise<FcmStandin> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new FcmStandin(server, `http://127.0.0.1:${port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void self.handle(req, res));
    return self;
  }

  /** The next sends to this registration token get these answers, in order; then success. */
  respondWith(token: string, ...answers: ('unregistered' | number)[]): void {
    this.scripted.set(token, [...(this.scripted.get(token) ?? []), ...answers]);
  }

  /** A registration token as the FCM SDK on a phone would produce it. */
  static aToken(): string {
    return `${randomBytes(8).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)).toString('utf8');
    try {
      if (req.method === 'POST' && req.url === '/token') return this.token(req, body, res);
      if (req.method === 'POST' && req.url === `/v1/projects/${PROJECT}/messages:send`)
        return this.send(req, body, res);
      throw new Error(`unexpected ${req.method} ${req.url}`);
    } catch (e) {
      this.problems.push((e as Error).message);
      json(res, 400, { error: { code: 400, status: 'INVALID_ARGUMENT', message: (e as Error).message } });
    }
  }

  private token(req: IncomingMessage, body: string, res: ServerResponse): void {
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      throw new Error('token request is not form-encoded');
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      throw new Error(`grant_type ${form.get('grant_type')}`);
    const { claims } = verifyJwt(form.get('assertion') ?? '', 'RS256', this.publicKey);
    if (claims.iss !== this.clientEmail) throw new Error(`iss ${String(claims.iss)}`);
    if (claims.aud !== `${this.url}/token`) throw new Error(`aud ${String(claims.aud)}`);
    if (!String(claims.scope).split(' ').includes(SCOPE)) throw new Error(`scope ${String(claims.scope)}`);
    checkTimes(claims, 3600);
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.add(accessToken);
    json(res, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
  }

  private send(req: IncomingMessage, body: string, res: ServerResponse): void {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!bearer || !this.accessTokens.has(bearer)) {
      this.problems.push('send without a valid OAuth access token');
      return json(res, 401, { error: { code: 401, status: 'UNAUTHENTICATED' } });
    }
    const message = (JSON.parse(body) as { message?: Record<string, unknown> }).message;
    if (!message || typeof message.token !== 'string') throw new Error('message.token missing');
    const data = (message.data ?? {}) as Record<string, unknown>;
    if (Object.values(data).some((v) => typeof v !== 'string'))
      throw new Error('data values must be strings');
    const token = message.token;
    const answer = this.scripted.get(token)?.shift();
    if (answer === 'unregistered') {
      this.requests.push({ token, status: 404 });
      return json(res, 404, {
        error: {
          code: 404,
          message: 'Requested entity was not found.',
          status: 'NOT_FOUND',
          details: [
            { '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' },
          ],
        },
      });
    }
    if (typeof answer === 'number') {
      this.requests.push({ token, status: answer });
      return json(res, answer, {
        error: { code: answer, status: answer === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE' },
      });
    }
    this.requests.push({ token, status: 200 });
    json(res, 200, { name: `projects/${PROJECT}/messages/${randomBytes(8).toString('hex')}` });
    this.received.push({ token, message });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}
