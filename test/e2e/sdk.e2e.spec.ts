import { ChatClient, MemoryCursorStore, type Message } from '@chat-server/client';
import { decode, sign } from 'jsonwebtoken';
import { startApp, tempDataDir, TEST_JWT_SECRET, type RunningApp } from '../support/app';
import { uniqueName } from '../support/builders';
import { spawnServer, type ServerProcess } from '../support/process';

/**
 * The SDK (`ChatClient` of @chat-server/client) against the real server: what it promises its users,
 * without the test doing any of the work itself.
 */
describe('SDK: ChatClient', () => {
  const clients: ChatClient[] = [];
  const client = (baseUrl: string, extra: Partial<ConstructorParameters<typeof ChatClient>[0]> = {}) => {
    const c = new ChatClient({ baseUrl, reconnect: { delayMs: 200, maxDelayMs: 1_000 }, ...extra });
    clients.push(c);
    return c;
  };
  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  /** Every message the app heard of, as the `messages` events told it (one entry per change). */
  function heard(c: ChatClient): Message[] {
    const seen: Message[] = [];
    c.on('messages', (ms) => seen.push(...ms));
    return seen;
  }

  function until(c: ChatClient, channelId: string, count: number, timeoutMs = 20_000): Promise<void> {
    if (c.messages.list(channelId).length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`${c.messages.list(channelId).length} of ${count} messages`)),
        timeoutMs,
      );
      const off = c.on('messages', () => {
        if (c.messages.list(channelId).length < count) return;
        clearTimeout(t);
        off();
        resolve();
      });
    });
  }

  describe('across a server restart', () => {
    let server: ServerProcess;
    const dataDir = tempDataDir();
    beforeAll(async () => {
      server = await spawnServer({ DATA_DIR: dataDir });
    });
    afterAll(() => server?.kill());

    it('loses and duplicates nothing: each message reaches the other side once, in order', async () => {
      const a = client(server.url);
      const b = client(server.url, { cursorStore: new MemoryCursorStore() });
      await a.register({ username: uniqueName('sa'), password: 'password-123' });
      const bob = await b.register({ username: uniqueName('sb'), password: 'password-123' });
      await Promise.all([a.connect(), b.connect()]);
      const events = heard(b);

      const sent: string[] = [];
      for (let i = 0; i < 10; i++) sent.push((await a.send({ to: bob.id, content: `before ${i}` })).id);
      const channelId = (await a.send({ to: bob.id, content: 'before 10' })).channelId;
      const port = new URL(server.url).port;
      await server.kill();
      server = await spawnServer({ DATA_DIR: dataDir, PORT: port });
      // The sender's client reconnects by itself; its sends wait for it and resend until acked.
      for (let i = 0; i < 10; i++) sent.push((await a.send({ to: bob.id, content: `after ${i}` })).id);

      await until(b, channelId, 21);
      const ids = b.messages.list(channelId).map((m) => m.id);
      expect(ids).toHaveLength(21);
      expect(ids.slice(-10)).toEqual(sent.slice(-10));
      const perId = new Map<string, number>();
      for (const m of events) perId.set(m.id, (perId.get(m.id) ?? 0) + 1);
      expect([...perId.values()].every((n) => n === 1)).toBe(true);
      expect(b.state).toBe('connected');
      expect(b.cursor).toBeDefined();
    });
  });

  describe('tokens', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startApp({ JWT_SECRET: TEST_JWT_SECRET });
    });
    afterAll(() => app?.close());

    /** The same access token as the server issues, expired an hour ago. */
    function expired(token: string): string {
      const { iat: _iat, exp: _exp, ...claims } = decode(token) as Record<string, unknown>;
      return sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 3600 }, TEST_JWT_SECRET);
    }

    it('refreshes on a 401 without the caller noticing, and hands out the rotated tokens', async () => {
      const session = await app.http.register({ username: uniqueName('tk'), password: 'password-123' });
      const rotations: unknown[] = [];
      const c = client(app.url, {
        session: { accessToken: expired(session.accessToken), refreshToken: session.refreshToken },
        onSession: (t) => rotations.push(t),
      });
      await expect(c.http.me()).resolves.toMatchObject({ id: session.user.id });
      expect(rotations).toHaveLength(1);
      expect(rotations[0]).toMatchObject({ refreshToken: expect.not.stringMatching(session.refreshToken) });
    });

    it('refreshes on an expired handshake and connects', async () => {
      const session = await app.http.register({ username: uniqueName('tk'), password: 'password-123' });
      const c = client(app.url, {
        session: { accessToken: expired(session.accessToken), refreshToken: session.refreshToken },
      });
      c.user = session.user;
      await c.connect();
      expect(c.state).toBe('connected');
      const other = await app.http.register({ username: uniqueName('tk'), password: 'password-123' });
      const m = await c.send({ to: other.user.id, content: 'hello after a refresh' });
      expect(c.messages.get(m.channelId, m.id)?.content).toBe('hello after a refresh');
    });

    it('signs out when the refresh token is refused', async () => {
      const session = await app.http.register({ username: uniqueName('tk'), password: 'password-123' });
      await app.http.logout(session.refreshToken);
      const c = client(app.url, {
        session: { accessToken: expired(session.accessToken), refreshToken: session.refreshToken },
      });
      const signedOut = new Promise<void>((resolve) => c.on('signedOut', resolve));
      await expect(c.http.me()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
      await signedOut;
    });
  });
});
