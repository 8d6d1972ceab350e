import { until } from '../support/wait';
import { ChatHttpClient, PresenceUpdate } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp, TEST_JWT_SECRET } from '../support/app';
import { aDevice, aUser, Inbox, TestUser } from '../support/builders';
import { spawnServer } from '../support/process';
import { describeWith } from '../support/services';

const TIMEOUT_MS = 2000;

/** A device that heartbeats like a client should (more often than timeout minus the node's flush). */
async function liveDevice(url: string, u: TestUser) {
  const socket = await aDevice(url, u);
  const updates = new Inbox<PresenceUpdate>();
  socket.on('presence:update', updates.push);
  const timer = setInterval(() => void socket.heartbeat().catch(() => undefined), 300);
  return {
    socket,
    updates,
    of: (userId: string) => updates.items.filter((p) => p.userId === userId).map((p) => p.status),
    close: () => {
      clearInterval(timer);
      socket.close();
    },
  };
}
type Device = Awaited<ReturnType<typeof liveDevice>>;

async function befriend(a: TestUser, b: TestUser) {
  const r = await a.http.requestFriend(b.user.id);
  await b.http.acceptFriend(r.id);
}

/** Waits until `pred` holds over the collected events. */
const eventually = (pred: () => boolean, ms: number, what: string) => until(pred, (v) => v, ms, what);

/** Proving that something does NOT happen needs time to pass: wait past timeout + sweep. */
const pastTimeout = () => new Promise((r) => setTimeout(r, TIMEOUT_MS + 1000));

// Presence does not touch history, so the Cassandra stack adds nothing here.
describe.each(e2eStacks('presence e2e', { cassandra: false }))('presence ($name)', ({ env }) => {
  let app: RunningApp;
  const devices: Device[] = [];
  const device = async (u: TestUser) => {
    const d = await liveDevice(app.url, u);
    devices.push(d);
    return d;
  };

  beforeAll(async () => {
    app = await startApp({ ...env, PRESENCE_TIMEOUT_MS: String(TIMEOUT_MS) });
  });
  afterEach(() => devices.splice(0).forEach((d) => d.close()));
  afterAll(() => app.close());

  it('shows a friend online within 1 s of connecting, live in GET /api/presence and the friends list', async () => {
    const [a, b, stranger] = await Promise.all([aUser(app.http), aUser(app.http), aUser(app.http)]);
    await befriend(a, b);
    const watcher = await device(b);
    const started = Date.now();
    await device(a);
    await eventually(() => watcher.of(a.user.id).includes('online'), 1000, 'online update');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await b.http.presence([a.user.id, stranger.user.id])).toEqual([
      { userId: a.user.id, status: 'online', lastActiveAt: expect.any(String) },
    ]);
    expect((await b.http.friends())[0].presence.status).toBe('online');
    expect(await stranger.http.presence([a.user.id])).toEqual([]);
  });

  it('produces no offline for a drop and reconnect inside the timeout', async () => {
    const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
    await befriend(a, b);
    const watcher = await device(b);
    const first = await device(a);
    await eventually(() => watcher.of(a.user.id).includes('online'), 1000, 'online');
    first.close();
    await device(a);
    await pastTimeout();
    expect(watcher.of(a.user.id)).not.toContain('offline');
  });

  it('goes offline only after the last of two devices is gone, and a stranger hears nothing', async () => {
    const [a, b, stranger] = await Promise.all([aUser(app.http), aUser(app.http), aUser(app.http)]);
    await befriend(a, b);
    const watcher = await device(b);
    const strangerDevice = await device(stranger);
    const [phone, laptop] = [await device(a), await device(a)];
    await eventually(() => watcher.of(a.user.id).includes('online'), 1000, 'online');
    phone.close();
    await pastTimeout();
    expect(watcher.of(a.user.id)).not.toContain('offline');
    laptop.close();
    await eventually(() => watcher.of(a.user.id).includes('offline'), TIMEOUT_MS + 2000, 'offline');
    expect(watcher.of(a.user.id).filter((s) => s === 'offline')).toHaveLength(1);
    expect(strangerDevice.of(a.user.id)).toEqual([]);
    const [now] = await b.http.presence([a.user.id]);
    expect(now).toMatchObject({ status: 'offline', lastActiveAt: expect.any(String) });
  });

  it('starts updates for a friendship accepted while both are online, without reconnecting', async () => {
    const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
    const da = await device(a);
    const db = await device(b);
    await befriend(a, b);
    await eventually(
      () => db.of(a.user.id).includes('online') && da.of(b.user.id).includes('online'),
      1000,
      'current status',
    );
    da.close();
    await eventually(
      () => db.of(a.user.id).includes('offline'),
      TIMEOUT_MS + 2000,
      'offline after befriending',
    );
    await b.http.removeFriend(a.user.id);
    await device(a);
    await pastTimeout();
    expect(db.of(a.user.id).filter((s) => s === 'online')).toHaveLength(1); // no update after unfriending
  });
});

describeWith(['postgres', 'redis'], 'presence across processes', ({ postgres, redis }) => {
  it('shows a user offline within timeout + 5 s after the process holding their socket is SIGKILLed', async () => {
    const env = {
      DATABASE_URL: postgres,
      REDIS_URL: redis,
      JWT_SECRET: TEST_JWT_SECRET,
      PRESENCE_TIMEOUT_MS: String(TIMEOUT_MS),
    };
    const [p1, p2] = await Promise.all([spawnServer(env), spawnServer(env)]);
    let watcher: Device | undefined;
    try {
      const [a, b] = await Promise.all([
        aUser(new ChatHttpClient(p1.url)),
        aUser(new ChatHttpClient(p1.url)),
      ]);
      await befriend(a, b);
      watcher = await liveDevice(p2.url, b);
      const held = await liveDevice(p1.url, a);
      await eventually(() => watcher!.of(a.user.id).includes('online'), 2000, 'online across nodes');
      await p1.kill('SIGKILL');
      held.close();
      const killedAt = Date.now();
      await eventually(
        () => watcher!.of(a.user.id).includes('offline'),
        TIMEOUT_MS + 5000,
        'offline after SIGKILL',
      );
      expect(Date.now() - killedAt).toBeLessThan(TIMEOUT_MS + 5000);
      await pastTimeout();
      // Two presence processes sweep (both run `all`), yet the transition is announced once.
      expect(watcher.of(a.user.id).filter((s) => s === 'offline')).toHaveLength(1);
    } finally {
      watcher?.close();
      await Promise.all([p1.kill('SIGKILL'), p2.kill('SIGTERM')]);
    }
  }, 60_000);
});
