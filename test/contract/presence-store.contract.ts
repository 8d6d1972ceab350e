import { randomUUID } from 'node:crypto';
import type { HeartbeatEntry, OfflineTransition, PresenceStore } from '../../src/presence/presence.store';

/** The timeout every store under contract is built with. */
export const TIMEOUT = 30_000;

/** A store over fresh, empty state, and `peer()`: another client of the same state (another process). */
export interface PresenceFixture {
  store: PresenceStore;
  peer(): Promise<PresenceStore>;
}

const T0 = 1_764_000_000_000;
const iso = (ms: number) => new Date(ms).toISOString();
const aUser = () => `u-${randomUUID()}`;
const aDevice = () => `sock-${randomUUID().slice(0, 8)}`;
const byUser = (a: OfflineTransition, b: OfflineTransition) => (a.userId < b.userId ? -1 : 1);

/**
 * The presence port's contract. Every adapter (in-memory, Redis) runs exactly this suite. Time is injected:
 * the tests never sleep. `fresh` gives each test its own state, since a sweep reports every due user.
 */
export function presenceStoreContract(fresh: () => Promise<PresenceFixture>): void {
  let store: PresenceStore;
  let fixture: PresenceFixture;
  beforeEach(async () => {
    fixture = await fresh();
    store = fixture.store;
  });

  const statusOf = async (userId: string) => (await store.status([userId])).get(userId);

  it('reports the first device of a user as coming online, and no later one', async () => {
    const u = aUser();
    expect(await store.connect(u, 'a', T0)).toEqual({ cameOnline: true });
    expect(await store.connect(u, 'b', T0 + 1)).toEqual({ cameOnline: false });
    expect(await store.connect(u, 'a', T0 + 2)).toEqual({ cameOnline: false });
    expect(await statusOf(u)).toEqual({ status: 'online', lastActiveAt: iso(T0 + 2) });
  });

  it('counts the users online, not their devices', async () => {
    const [u, v] = [aUser(), aUser()];
    expect(await store.onlineCount()).toBe(0);
    await store.connect(u, 'a', T0);
    await store.connect(u, 'b', T0);
    await store.connect(v, 'a', T0);
    expect(await store.onlineCount()).toBe(2);
    await store.sweep(T0 + TIMEOUT + 1);
    expect(await store.onlineCount()).toBe(0);
  });

  it('takes a user offline once no heartbeat came for the timeout, and reports it once', async () => {
    const u = aUser();
    await store.connect(u, aDevice(), T0);
    expect(await store.sweep(T0 + TIMEOUT - 1)).toEqual([]);
    expect(await statusOf(u)).toEqual({ status: 'online', lastActiveAt: iso(T0) });
    expect(await store.sweep(T0 + TIMEOUT)).toEqual([{ userId: u, lastActiveAt: iso(T0) }]);
    expect(await store.sweep(T0 + TIMEOUT)).toEqual([]);
    expect(await store.sweep(T0 + 10 * TIMEOUT)).toEqual([]);
    expect(await statusOf(u)).toEqual({ status: 'offline', lastActiveAt: iso(T0) });
  });

  it('keeps a heartbeating user online long past the timeout', async () => {
    const u = aUser();
    const d = aDevice();
    await store.connect(u, d, T0);
    for (let t = T0 + 10_000; t <= T0 + 5 * TIMEOUT; t += 10_000) {
      expect(await store.heartbeatBatch([{ userId: u, deviceKey: d }], t)).toEqual({ cameOnline: [] });
      expect(await store.sweep(t + 9_999)).toEqual([]);
    }
    const last = T0 + 5 * TIMEOUT;
    expect(await statusOf(u)).toEqual({ status: 'online', lastActiveAt: iso(last) });
    expect(await store.sweep(last + TIMEOUT - 1)).toEqual([]);
    expect(await store.sweep(last + TIMEOUT)).toEqual([{ userId: u, lastActiveAt: iso(last) }]);
  });

  it('keeps a user with two devices online until both are past their deadlines', async () => {
    const u = aUser();
    await store.connect(u, 'phone', T0);
    await store.connect(u, 'laptop', T0 + 10_000);
    expect(await store.sweep(T0 + TIMEOUT)).toEqual([]);
    expect(await store.sweep(T0 + TIMEOUT + 9_999)).toEqual([]);
    expect(await store.sweep(T0 + TIMEOUT + 10_000)).toEqual([{ userId: u, lastActiveAt: iso(T0 + 10_000) }]);
  });

  it('takes a cleanly disconnected user offline after the grace period', async () => {
    const u = aUser();
    const d = aDevice();
    await store.connect(u, d, T0);
    await store.disconnect(u, d, T0 + 1_000, 5_000);
    expect(await store.sweep(T0 + 5_999)).toEqual([]);
    expect(await store.sweep(T0 + 6_000)).toEqual([{ userId: u, lastActiveAt: iso(T0 + 1_000) }]);
  });

  it('keeps a user online through one device disconnecting while another is live', async () => {
    const u = aUser();
    await store.connect(u, 'a', T0);
    await store.connect(u, 'b', T0 + 500);
    await store.disconnect(u, 'a', T0 + 1_000, 5_000);
    expect(await store.sweep(T0 + 6_000)).toEqual([]);
    expect((await statusOf(u))?.status).toBe('online');
    expect(await store.sweep(T0 + 500 + TIMEOUT)).toEqual([{ userId: u, lastActiveAt: iso(T0 + 1_000) }]);
  });

  it('does not go offline when the user reconnects within the grace period or the timeout', async () => {
    const u = aUser();
    await store.connect(u, 's1', T0);
    await store.disconnect(u, 's1', T0 + 1_000, 5_000);
    expect(await store.connect(u, 's2', T0 + 3_000)).toEqual({ cameOnline: false });
    expect(await store.sweep(T0 + 6_000)).toEqual([]);
    // s2 drops without a clean disconnect; s3 connects 20 s later, inside the timeout.
    expect(await store.connect(u, 's3', T0 + 23_000)).toEqual({ cameOnline: false });
    expect(await store.sweep(T0 + 3_000 + TIMEOUT)).toEqual([]);
    expect(await store.sweep(T0 + 23_000 + TIMEOUT)).toEqual([{ userId: u, lastActiveAt: iso(T0 + 23_000) }]);
  });

  it('continues the session of a user past the deadline but not yet swept, with no offline in between', async () => {
    const u = aUser();
    await store.connect(u, 's1', T0);
    expect(await store.connect(u, 's2', T0 + TIMEOUT + 5_000)).toEqual({ cameOnline: false });
    expect(await store.sweep(T0 + TIMEOUT + 5_000)).toEqual([]);
    expect(await store.sweep(T0 + 2 * TIMEOUT + 5_000)).toEqual([
      { userId: u, lastActiveAt: iso(T0 + TIMEOUT + 5_000) },
    ]);
  });

  it('brings an offline user back online on a heartbeat, and says so', async () => {
    const u = aUser();
    const d = aDevice();
    await store.connect(u, d, T0);
    await store.sweep(T0 + TIMEOUT);
    const t = T0 + TIMEOUT + 1_000;
    expect(await store.heartbeatBatch([{ userId: u, deviceKey: d }], t)).toEqual({ cameOnline: [u] });
    expect(await statusOf(u)).toEqual({ status: 'online', lastActiveAt: iso(t) });
    expect(await store.sweep(t + TIMEOUT)).toEqual([{ userId: u, lastActiveAt: iso(t) }]);
  });

  it.each([1_000, 0])(
    'ignores a beat seen before a disconnect with %i ms grace, or one already expired',
    async (grace) => {
      const u = aUser();
      const d = aDevice();
      await store.connect(u, d, T0);
      await store.disconnect(u, d, T0 + 2_000, grace);
      // Seen at T0 + 1 s, flushed after the disconnect: it must not extend the device by a full timeout.
      await store.heartbeatBatch([{ userId: u, deviceKey: d, at: T0 + 1_000 }], T0 + 3_000);
      expect(await store.sweep(T0 + 3_000)).toEqual([{ userId: u, lastActiveAt: iso(T0 + 2_000) }]);
      // A beat whose own deadline passed before it arrived cannot bring anyone online.
      const late = await store.heartbeatBatch(
        [{ userId: u, deviceKey: d, at: T0 + 2_500 }],
        T0 + 2_500 + TIMEOUT,
      );
      expect(late).toEqual({ cameOnline: [] });
      expect(await statusOf(u)).toEqual({ status: 'offline', lastActiveAt: iso(T0 + 2_000) });
    },
  );

  it('ignores a disconnect of a device or user it does not know', async () => {
    const u = aUser();
    await store.disconnect(aUser(), 'x', T0, 1_000);
    await store.connect(u, 'a', T0);
    await store.disconnect(u, 'unknown', T0 + 1, 0);
    expect(await store.sweep(T0 + 1)).toEqual([]);
    expect(await statusOf(u)).toEqual({ status: 'online', lastActiveAt: iso(T0) });
  });

  it('answers status for unknown, online and offline users in one call', async () => {
    const [unknown, on, off] = [aUser(), aUser(), aUser()];
    await store.connect(off, 'a', T0);
    await store.sweep(T0 + TIMEOUT);
    await store.connect(on, 'a', T0 + TIMEOUT + 7);
    const s = await store.status([unknown, on, off, on]);
    expect(s.size).toBe(3);
    expect(s.get(unknown)).toEqual({ status: 'offline', lastActiveAt: null });
    expect(s.get(on)).toEqual({ status: 'online', lastActiveAt: iso(T0 + TIMEOUT + 7) });
    expect(s.get(off)).toEqual({ status: 'offline', lastActiveAt: iso(T0) });
    expect((await store.status([])).size).toBe(0);
  });

  it('takes a batch of 1000 heartbeats in one call', async () => {
    const users = Array.from({ length: 500 }, aUser);
    await store.connect(users[0], 'd0', T0 - 1_000);
    const entries: HeartbeatEntry[] = users.flatMap((userId, i) => [
      { userId, deviceKey: 'd0', at: T0 + i },
      { userId, deviceKey: 'd1', at: T0 + 1_000 + i },
    ]);
    const { cameOnline } = await store.heartbeatBatch(entries, T0 + 2_000);
    expect(cameOnline.sort()).toEqual(users.slice(1).sort());
    const status = await store.status(users);
    expect([...status.values()].every((s) => s.status === 'online')).toBe(true);
    expect(status.get(users[7])?.lastActiveAt).toBe(iso(T0 + 1_007));
    expect(await store.sweep(T0 + 1_000 + TIMEOUT - 1)).toEqual([]);
    const gone = await store.sweep(T0 + 1_000 + TIMEOUT + 499);
    expect(gone.sort(byUser)).toEqual(
      users.map((userId, i) => ({ userId, lastActiveAt: iso(T0 + 1_000 + i) })).sort(byUser),
    );
  });

  it('never reports a transition twice with two sweepers running concurrently', async () => {
    const other = await fixture.peer();
    const users = Array.from({ length: 400 }, aUser);
    // Deadlines spread over 4 s, so the sweepers keep racing for the same few users.
    await store.heartbeatBatch(
      users.map((userId, i) => ({ userId, deviceKey: 'd', at: T0 + i * 10 })),
      T0,
    );
    const run = async (s: PresenceStore, offset: number) => {
      const seen: OfflineTransition[] = [];
      for (let t = T0 + TIMEOUT; t <= T0 + TIMEOUT + 4_100; t += 50) {
        seen.push(...(await s.sweep(t + offset)));
      }
      return seen;
    };
    const [a, b] = await Promise.all([run(store, 0), run(other, 7)]);
    const all = [...a, ...b].map((x) => x.userId).sort();
    expect(all).toEqual([...users].sort());
    expect(new Set(all).size).toBe(users.length);
    expect([...(await other.status(users)).values()].every((s) => s.status === 'offline')).toBe(true);
  });

  it('pairs every offline with an earlier online when sweeps race the heartbeats that revive users', async () => {
    const other = await fixture.peer();
    const users = Array.from({ length: 50 }, aUser);
    const balance = new Map(users.map((u) => [u, 0]));
    let offlines = 0;
    for (const u of users) if ((await store.connect(u, 'd', T0)).cameOnline) balance.set(u, 1);
    // Each round: every device is just past its deadline, two sweepers race, and a heartbeat for every user
    // races them. Whichever runs first, each user ends the round online with exactly one more online than
    // offline reported for them.
    for (let round = 1; round <= 10; round++) {
      const t = T0 + round * (TIMEOUT + 10);
      const [a, b, beats] = await Promise.all([
        store.sweep(t),
        other.sweep(t),
        other.heartbeatBatch(
          users.map((userId) => ({ userId, deviceKey: 'd' })),
          t + 1,
        ),
      ]);
      for (const x of [...a, ...b]) balance.set(x.userId, balance.get(x.userId)! - 1);
      for (const u of beats.cameOnline) balance.set(u, balance.get(u)! + 1);
      offlines += a.length + b.length;
      expect(users.filter((u) => balance.get(u) !== 1)).toEqual([]);
    }
    expect(offlines).toBeGreaterThan(0);
    expect([...(await store.status(users)).values()].every((s) => s.status === 'online')).toBe(true);
  });
}
