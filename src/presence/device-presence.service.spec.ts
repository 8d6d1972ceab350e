import { DevicePresence } from './device-presence.service';
import { HeartbeatBatcher } from './heartbeat-batcher';
import { InMemoryPresenceStore } from './in-memory-presence.store';

describe('DevicePresence', () => {
  const options = { timeoutMs: 30_000, disconnectGraceMs: 5_000, flushIntervalMs: 5_000 };
  let now: number;
  let store: InMemoryPresenceStore;
  let batcher: HeartbeatBatcher;
  let presence: DevicePresence;
  let online: string[];

  beforeEach(() => {
    now = 1_764_000_000_000;
    const clock = () => now;
    store = new InMemoryPresenceStore(options);
    batcher = new HeartbeatBatcher(store, { ...options, clock });
    presence = new DevicePresence(store, batcher, { ...options, clock });
    online = [];
    presence.onOnline((ids) => void online.push(...ids));
  });
  afterEach(() => batcher.stop());

  it('announces a user once when the first device connects', async () => {
    expect(await presence.connected('u', 's1')).toBe(true);
    expect(await presence.connected('u', 's2')).toBe(false);
    expect(online).toEqual(['u']);
  });

  it('announces a user a heartbeat brought back after a timeout', async () => {
    await presence.connected('u', 's1');
    now += 31_000;
    await store.sweep(now);
    presence.heartbeat('u', 's1');
    await batcher.flushNow();
    expect(online).toEqual(['u', 'u']);
  });

  it('on disconnect drops the unsent beat and starts the grace period', async () => {
    await presence.connected('u', 's1');
    now += 10_000;
    presence.heartbeat('u', 's1');
    now += 1_000;
    await presence.disconnected('u', 's1');
    expect(batcher.size).toBe(0);
    expect(await store.sweep(now + 4_999)).toEqual([]);
    expect(await store.sweep(now + 5_000)).toEqual([
      { userId: 'u', lastActiveAt: new Date(now).toISOString() },
    ]);
  });
});
