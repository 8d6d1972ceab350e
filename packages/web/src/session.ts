import type { Tokens, TokenProvider } from '@chat-server/client';

const TOKENS_KEY = 'chat-session';
const DEVICE_KEY = 'chat-device';

/** Each tab is a device of its own (its own cursor and socket); a reload keeps the tab's id. */
export function tabDeviceId(): string {
  let id = sessionStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = `web-${crypto.getRandomValues(new Uint32Array(2)).join('')}`;
    sessionStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export function storedTokens(): Tokens | undefined {
  const raw = localStorage.getItem(TOKENS_KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Tokens;
  } catch {
    return undefined;
  }
}

export function storeTokens(tokens: Tokens | undefined): void {
  if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  else localStorage.removeItem(TOKENS_KEY);
}

/**
 * The session shared by every tab of this browser through localStorage. Refresh tokens rotate and a reused
 * one revokes the whole family, so tabs take turns (a Web Lock) and a tab whose token another tab already
 * renewed takes the new one instead of refreshing again.
 */
export class SharedSession implements TokenProvider {
  constructor(
    private readonly baseUrl: string,
    private readonly onEnded: () => void,
  ) {}

  accessToken(): string | undefined {
    return storedTokens()?.accessToken;
  }

  refresh(): Promise<string | undefined> {
    const stale = this.accessToken();
    const run = () => this.renew(stale);
    return navigator.locks
      ? (navigator.locks.request('chat-session-refresh', run) as unknown as Promise<string | undefined>)
      : run();
  }

  private async renew(stale: string | undefined): Promise<string | undefined> {
    const now = storedTokens();
    if (!now) return undefined;
    if (now.accessToken !== stale) return now.accessToken; // another tab renewed it meanwhile
    const res = await fetch(`${this.baseUrl}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: now.refreshToken }),
    });
    if (res.status === 401 || res.status === 400) {
      storeTokens(undefined);
      this.onEnded();
      return undefined;
    }
    if (!res.ok) throw new Error(`refresh failed (${res.status})`);
    const next = (await res.json()) as Tokens;
    storeTokens(next);
    return next.accessToken;
  }
}
