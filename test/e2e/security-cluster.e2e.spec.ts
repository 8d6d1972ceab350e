import { randomInt } from 'node:crypto';
import { ChatApiError, ChatHttpClient, ChatSocket } from '@chat-server/client';
import { TEST_JWT_SECRET } from '../support/app';
import { aUser, uniqueName } from '../support/builders';
import { ServerProcess, spawnServer } from '../support/process';
import { describeWith } from '../support/services';

const connectError = (p: Promise<unknown>) =>
  p.then(
    () => 'connected',
    (e: Error) => e.message,
  );

/**
 * DESIGN.md section 7 across processes sharing Redis and Postgres: the socket limit and ended sessions hold
 * over two chat nodes, and the per-address auth limit over two api processes.
 */
describeWith(['postgres', 'redis'], 'security across processes', ({ postgres, redis }) => {
  const env = { DATABASE_URL: postgres, REDIS_URL: redis, JWT_SECRET: TEST_JWT_SECRET };
  const later = { ...env, DATABASE_MIGRATE_ON_START: 'false' };
  const procs: ServerProcess[] = [];
  let api: ServerProcess, chat1: ServerProcess, chat2: ServerProcess;
  let limited: ServerProcess[];
  let http: ChatHttpClient;
  const open: ChatSocket[] = [];
  const connect = (url: string, u: { accessToken: string }) => {
    const s = new ChatSocket(url, { token: u.accessToken, deviceId: uniqueName('dev') });
    open.push(s);
    return s.connected();
  };
  const dropped = (s: ChatSocket) => new Promise((resolve) => s.socket.once('disconnect', resolve));

  beforeAll(async () => {
    const start = async (e: Record<string, string>) => {
      const p = await spawnServer(e);
      procs.push(p);
      return p;
    };
    api = await start({ ...env, ROLES: 'api' }); // migrates first
    const small = { ...later, ROLES: 'api', AUTH_RATE_LIMIT_PER_MINUTE: '4', TRUST_PROXY: 'true' };
    [chat1, chat2, ...limited] = await Promise.all([
      start({ ...later, ROLES: 'chat', MAX_SOCKETS_PER_USER: '3' }),
      start({ ...later, ROLES: 'chat', MAX_SOCKETS_PER_USER: '3' }),
      start(small),
      start(small),
    ]);
    http = new ChatHttpClient(api.url);
  }, 60_000);
  afterEach(() => open.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
  });

  it("counts a user's sockets over both chat nodes against MAX_SOCKETS_PER_USER", async () => {
    const u = await aUser(http);
    await Promise.all([connect(chat1.url, u), connect(chat1.url, u), connect(chat2.url, u)]);
    expect(await connectError(connect(chat2.url, u))).toBe('rate_limited');
    expect(await connectError(connect(chat1.url, u))).toBe('rate_limited');
  });

  it("a logout on the api disconnects the session's sockets on every chat node, and no node takes its token", async () => {
    const u = await aUser(http);
    const other = await http.login({ username: u.user.username, password: u.password });
    const [s1, s2, keep] = await Promise.all([
      connect(chat1.url, u),
      connect(chat2.url, u),
      connect(chat2.url, other),
    ]);
    const gone = Promise.all([dropped(s1), dropped(s2)]);
    await http.logout(u.refreshToken);
    await gone;
    expect(await connectError(connect(chat1.url, u))).toBe('unauthorized');
    expect(await connectError(connect(chat2.url, u))).toBe('unauthorized');
    expect(await keep.heartbeat()).toEqual({ ok: true });
  });

  it("a password change disconnects the other sessions' sockets on every chat node", async () => {
    const u = await aUser(http);
    const other = await http.login({ username: u.user.username, password: u.password });
    const [t1, t2, mine] = await Promise.all([
      connect(chat1.url, other),
      connect(chat2.url, other),
      connect(chat1.url, u),
    ]);
    const gone = Promise.all([dropped(t1), dropped(t2)]);
    await u.http.changePassword({ currentPassword: u.password, newPassword: 'the new password' });
    await gone;
    expect(await mine.heartbeat()).toEqual({ ok: true });
  });

  it('shares the per-address auth limit between api processes (through Redis)', async () => {
    // A made-up client address (TRUST_PROXY) so no other test's calls count against it.
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const attempt = (p: ServerProcess) =>
      new ChatHttpClient(p.url)
        .call(
          'POST',
          '/api/auth/login',
          { username: uniqueName(), password: 'whatever1' },
          {
            'x-forwarded-for': address,
          },
        )
        .catch((e: ChatApiError) => `${e.status} ${e.code}`);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await attempt(limited[i % 2]));
    expect(answers).toEqual([
      '401 unauthorized',
      '401 unauthorized',
      '401 unauthorized',
      '401 unauthorized',
      '429 rate_limited',
      '429 rate_limited',
    ]);
  });
});
