import type { Tokens } from './contract';

/**
 * Where the client gets its access token. `refresh` is called after a 401 or an `unauthorized` socket
 * handshake: it answers a new access token, or undefined when the session is over (the user must sign in).
 */
export interface TokenProvider {
  accessToken(): string | undefined | Promise<string | undefined>;
  refresh(): Promise<string | undefined>;
}

/** A fixed token and no refresh: for scripts and tests that hold a token already. */
export class StaticToken implements TokenProvider {
  constructor(private readonly token: string | undefined) {}
  accessToken(): string | undefined {
    return this.token;
  }
  refresh(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
}

/**
 * The session of a signed-in user: the access token, and the refresh token that renews it through
 * `POST /api/auth/refresh` (tokens rotate, so the new pair replaces the old and `onChange` may persist it).
 * Concurrent refreshes share one request: a rotated refresh token works once.
 */
export class SessionTokens implements TokenProvider {
  private inFlight?: Promise<string | undefined>;

  constructor(
    private readonly baseUrl: string,
    private tokens: Tokens | undefined,
    private readonly onChange?: (tokens: Tokens | undefined) => void,
  ) {}

  get current(): Tokens | undefined {
    return this.tokens;
  }

  set(tokens: Tokens | undefined): void {
    this.tokens = tokens;
    this.onChange?.(tokens);
  }

  accessToken(): string | undefined {
    return this.tokens?.accessToken;
  }

  refresh(): Promise<string | undefined> {
    this.inFlight ??= this.renew().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async renew(): Promise<string | undefined> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return undefined;
    const res = await fetch(`${this.baseUrl}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    if (res.status === 401 || res.status === 400) {
      // The refresh token was revoked, rotated away or expired: the session is over.
      this.set(undefined);
      return undefined;
    }
    if (!res.ok) throw new Error(`token refresh failed: ${res.status}`);
    const next = (await res.json()) as Tokens;
    this.set(next);
    return next.accessToken;
  }
}
