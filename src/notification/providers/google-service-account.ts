import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkPushUrl } from '../../devices/push-endpoint';
import { signJwt } from './jwt';

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The fields of a Google service account key file that the OAuth flow needs. */
export interface ServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKeyId?: string;
  privateKey: KeyObject;
  tokenUri: string;
}

export function loadServiceAccount(file: string, allowLoopbackHttp: boolean): ServiceAccount {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`FCM_SERVICE_ACCOUNT_FILE ${file}: cannot read it as JSON (${(e as Error).message})`, {
      cause: e,
    });
  }
  const str = (k: string) => (typeof json[k] === 'string' && json[k] ? (json[k] as string) : undefined);
  const projectId = str('project_id');
  const clientEmail = str('client_email');
  const pem = str('private_key');
  if (json.type !== 'service_account' || !projectId || !clientEmail || !pem)
    throw new Error(
      `FCM_SERVICE_ACCOUNT_FILE ${file}: not a service account key (needs type "service_account", ` +
        'project_id, client_email, private_key)',
    );
  const tokenUri = str('token_uri') ?? DEFAULT_TOKEN_URI;
  const checked = checkPushUrl(tokenUri, allowLoopbackHttp);
  if (typeof checked === 'string') throw new Error(`FCM_SERVICE_ACCOUNT_FILE ${file}: token_uri ${checked}`);
  return {
    projectId,
    clientEmail,
    privateKeyId: str('private_key_id'),
    privateKey: createPrivateKey(pem),
    tokenUri: checked.href,
  };
}

/** A token endpoint answer that says why; `retryable` for 429, 5xx and network failures. */
export class TokenError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * OAuth 2.0 access tokens for a service account: Google's JWT bearer grant (RFC 7523), a JWT signed with
 * the account's RS256 key exchanged at its `token_uri`. Written out (about 40 lines) rather than taken from
 * google-auth-library, whose service-account client posts to a fixed oauth2.googleapis.com and so cannot be
 * pointed at a test stand-in. Tokens are cached until a minute before they expire; concurrent callers share
 * one request.
 */
export class ServiceAccountTokens {
  private cached?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly account: ServiceAccount,
    private readonly scope: string,
    private readonly timeoutMs: number,
  ) {}

  get(): Promise<string> {
    if (this.cached && this.cached.expiresAt > Date.now()) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** After the API refused the token (401): the next call fetches a new one. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const a = this.account;
    const assertion = signJwt(
      'RS256',
      a.privateKeyId ? { kid: a.privateKeyId } : {},
      { iss: a.clientEmail, scope: this.scope, aud: a.tokenUri, iat: now, exp: now + 3600 },
      a.privateKey,
    );
    let res: Response;
    try {
      res = await fetch(a.tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new TokenError(`token endpoint unreachable: ${(e as Error).message}`, true);
    }
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
    };
    if (!res.ok || !body.access_token)
      throw new TokenError(
        `token endpoint answered ${res.status} ${body.error ?? ''}`.trim(),
        res.status === 429 || res.status >= 500,
      );
    const lifetime = Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600;
    this.cached = { token: body.access_token, expiresAt: Date.now() + Math.max(0, lifetime - 60) * 1000 };
    return body.access_token;
  }
}
