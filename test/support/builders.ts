import { randomBytes } from 'node:crypto';
import { ChatHttpClient, ChatSocket, Session } from '@chat-server/client';

export interface TestUser extends Session {
  http: ChatHttpClient;
  password: string;
}

export const uniqueName = (prefix = 'u') => `${prefix}${randomBytes(6).toString('hex')}`;

/** Registers a fresh user with a unique name. */
export async function aUser(
  base: ChatHttpClient,
  overrides: { username?: string; password?: string } = {},
): Promise<TestUser> {
  const password = overrides.password ?? 'correct horse battery';
  const session = await base.register({ username: overrides.username ?? uniqueName(), password });
  return { ...session, password, http: base.withToken(session.accessToken) };
}

/** A connected socket for one device of a user. */
export function aDevice(
  url: string,
  user: { accessToken: string },
  deviceId = uniqueName('dev'),
): Promise<ChatSocket> {
  return new ChatSocket(url, { token: user.accessToken, deviceId }).connected();
}

/** Collects events of one kind so tests can await "the next n" instead of sleeping. */
export class Inbox<T> {
  readonly items: T[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => (this.items.length >= w.n ? (w.resolve(), false) : true));
  };

  /** Resolves when at least n items have arrived; rejects after timeoutMs. */
  atLeast(n: number, timeoutMs = 5000): Promise<T[]> {
    if (this.items.length >= n) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`timed out with ${this.items.length}/${n} events`)),
        timeoutMs,
      );
      this.waiters.push({ n, resolve: () => (clearTimeout(t), resolve(this.items)) });
    });
  }
}

/**
 * Sockets opened by one test, closed after it: `const device = devicesPerTest(() => app.url)` in a describe
 * block, then `await device(user)` in a test.
 */
export function devicesPerTest(url: () => string): (u: { accessToken: string }) => Promise<ChatSocket> {
  const open: ChatSocket[] = [];
  afterEach(() => open.splice(0).forEach((s) => s.close()));
  return async (u) => {
    const s = await aDevice(url(), u);
    open.push(s);
    return s;
  };
}
