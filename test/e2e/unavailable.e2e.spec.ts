import { ChatHttpClient, ChatSocket } from '@chat-server/client';
import type { AckResult } from '@chat-server/client';
import { TEST_JWT_SECRET } from '../support/app';
import { aDevice, aUser, TestUser, uniqueName } from '../support/builders';
import { OwnStore, startOwnPostgres, startOwnRedis } from '../support/own-stores';
import { describeWith } from '../support/services';
import { ServerProcess, spawnServer } from '../support/process';
import { until } from '../support/wait';

/** How soon after a store's return service must be back (issue 15). */
const RESUME_WITHIN_MS = 2_000;
/** How soon a request during an outage must be answered. */
const ANSWER_WITHIN_MS = 3_000;

interface Answer {
  status: number;
  retryAfter: string | null;
  code?: string;
  ms: number;
}

/**
 * DESIGN.md section 7: a backing store down is `unavailable` on every path (REST 503 with Retry-After, acks,
 * the handshake), never `unauthorized` for a valid token or password, never `internal`; readiness is 503;
 * one log line when the store goes and one when it is back; service resumes within 2 s of its return.
 * The server runs as a process on a Postgres and a Redis of this test's own, which it stops and starts
 * (it runs where the real services do: their binaries start the test's own instances).
 */
describeWith(['postgres', 'redis'], 'a backing store down', () => {
  let pg: OwnStore;
  let redis: OwnStore;
  let server: ServerProcess;
  let a: TestUser;
  let b: TestUser;
  let groupId: string;
  let device: ChatSocket;
  let n = 0;

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    server = await spawnServer({
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
    });
    const http = new ChatHttpClient(server.url);
    [a, b] = await Promise.all([aUser(http), aUser(http)]);
    groupId = (await a.http.createGroup({ name: 'outage', memberIds: [b.user.id] })).id;
    await b.http.acceptFriend((await a.http.requestFriend(b.user.id)).id); // presence is shown to friends
    device = await aDevice(server.url, a);
  }, 60_000);

  afterAll(async () => {
    device?.close();
    await server?.kill('SIGKILL'); // a graceful stop could wait on a store a failed test left down
    await Promise.all([pg?.destroy(), redis?.destroy()]);
  });

  const timed = async (fn: () => Promise<Response>): Promise<Answer> => {
    const t0 = Date.now();
    const res = await fn();
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: body.error?.code,
      ms: Date.now() - t0,
    };
  };
  const me = () =>
    timed(() =>
      fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${a.accessToken}` } }),
    );
  const presence = () =>
    timed(() =>
      fetch(`${server.url}/api/presence?userIds=${b.user.id}`, {
        headers: { authorization: `Bearer ${a.accessToken}` },
      }),
    );
  const login = () =>
    timed(() =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: a.user.username, password: a.password }),
      }),
    );
  const ready = () => timed(() => fetch(`${server.url}/health/ready`));
  const handshake = async (): Promise<string> => {
    const s = new ChatSocket(server.url, { token: a.accessToken, deviceId: uniqueName('dev') });
    try {
      await s.connected();
      return 'connected';
    } catch (e) {
      return (e as Error).message;
    } finally {
      s.close();
    }
  };
  const sendDm = () => device.send({ clientMsgId: `dm-${++n}`, to: b.user.id, content: `dm ${n}` });
  const sendGroup = () => device.send({ clientMsgId: `g-${++n}`, channelId: groupId, content: `group ${n}` });
  const code = (ack: AckResult<object>) => (ack.ok ? 'ok' : ack.error.code);
  const linesWith = (text: string) =>
    server
      .output()
      .split('\n')
      .filter((l) => l.includes(text));

  /**
   * Polls every path until all answer as in normal service; the time from the store's return to the start
   * of the first round in which all did (a round itself takes a login's password hash and a few sends).
   */
  const resumed = async (since: number): Promise<number> => {
    const round = await until(
      async () => {
        const startedAt = Date.now();
        const [r, l, d, g, h] = await Promise.all([me(), login(), sendDm(), sendGroup(), handshake()]);
        return { startedAt, answers: [r.status, l.status, code(d), code(g), h].join(' ') };
      },
      (v) => v.answers === '200 200 ok ok connected',
      10_000,
      'every path back',
    );
    return round.startedAt - since;
  };

  it('Postgres: REST, login, handshake, DM and group sends and readiness all answer unavailable', async () => {
    await pg.stop();

    const rest = await me();
    expect(rest).toMatchObject({ status: 503, code: 'unavailable', retryAfter: '2' });
    expect(rest.ms).toBeLessThan(ANSWER_WITHIN_MS);
    const loggedIn = await login();
    expect(loggedIn).toMatchObject({ status: 503, code: 'unavailable', retryAfter: '2' });
    expect(loggedIn.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await handshake()).toBe('unavailable');
    expect(await sendDm()).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await sendGroup()).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await ready()).toMatchObject({ status: 503 });

    await pg.start();
    const ms = await resumed(Date.now());
    expect(ms).toBeLessThan(RESUME_WITHIN_MS);
    expect(await ready()).toMatchObject({ status: 200 });

    expect(linesWith('postgres unavailable')).toHaveLength(1);
    expect(linesWith('postgres available again')).toHaveLength(1);
    expect(linesWith('request failed')).toEqual([]);
    expect(linesWith('socket event failed')).toEqual([]);
    expect(linesWith('socket handshake failed')).toEqual([]);
  }, 60_000);

  it('Redis: sends, REST that reads Redis and readiness answer unavailable; a valid token still works', async () => {
    await redis.stop();

    const t0 = Date.now();
    expect(await sendDm()).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(Date.now() - t0).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await sendGroup()).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const rest = await presence();
    expect(rest).toMatchObject({ status: 503, code: 'unavailable', retryAfter: '2' });
    expect(rest.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await me()).toMatchObject({ status: 200 });
    expect(await ready()).toMatchObject({ status: 503 });

    await redis.start();
    const ms = await resumed(Date.now());
    expect(ms).toBeLessThan(RESUME_WITHIN_MS);
    expect(await presence()).toMatchObject({ status: 200 });
    expect(await ready()).toMatchObject({ status: 200 });

    expect(linesWith('redis unavailable')).toHaveLength(1);
    expect(linesWith('redis available again')).toHaveLength(1);
    expect(linesWith('request failed')).toEqual([]);
    expect(linesWith('socket event failed')).toEqual([]);
  }, 60_000);
});
