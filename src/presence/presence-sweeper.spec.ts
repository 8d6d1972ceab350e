import { Logger } from '@nestjs/common';
import { InMemoryPresenceStore } from './in-memory-presence.store';
import { PresenceSweeper } from './presence-sweeper';
import { OfflineTransition, PresenceStore, UserPresence } from './presence.store';

/** Records sweep times and answers the next sweep with `sweepResult`. */
class RecordingPresenceStore extends PresenceStore {
  readonly sweeps: number[] = [];
  sweepResult: OfflineTransition[] = [];

  async sweep(now: number): Promise<OfflineTransition[]> {
    this.sweeps.push(now);
    const result = this.sweepResult;
    this.sweepResult = [];
    return result;
  }

  connect(): Promise<{ cameOnline: boolean }> {
    throw new Error('not used');
  }
  heartbeatBatch(): Promise<{ cameOnline: string[] }> {
    throw new Error('not used');
  }
  disconnect(): Promise<void> {
    throw new Error('not used');
  }
  onlineCount(): Promise<number> {
    return Promise.resolve(0);
  }
  status(): Promise<Map<string, UserPresence>> {
    throw new Error('not used');
  }
}

describe('PresenceSweeper', () => {
  const TIMEOUT = 30_000;
  const SWEEP = 1_000;

  beforeEach(() => jest.useFakeTimers({ now: 1_764_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('does nothing until started, then sweeps every interval and stops on shutdown', async () => {
    const store = new RecordingPresenceStore();
    const sweeper = new PresenceSweeper(store, { sweepIntervalMs: SWEEP, clock: () => Date.now() });
    await jest.advanceTimersByTimeAsync(5 * SWEEP);
    expect(store.sweeps).toEqual([]);
    const t0 = Date.now();
    sweeper.start();
    sweeper.start();
    await jest.advanceTimersByTimeAsync(3 * SWEEP);
    expect(store.sweeps).toEqual([t0 + SWEEP, t0 + 2 * SWEEP, t0 + 3 * SWEEP]);
    await sweeper.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(5 * SWEEP);
    expect(store.sweeps).toHaveLength(3);
    expect(sweeper.started).toBe(false);
  });

  it('takes a silent user offline after the timeout and hands the transition to the handlers once', async () => {
    const store = new InMemoryPresenceStore({ timeoutMs: TIMEOUT });
    const sweeper = new PresenceSweeper(store, { sweepIntervalMs: SWEEP, clock: () => Date.now() });
    const batches: (readonly OfflineTransition[])[] = [];
    sweeper.onOffline((b) => void batches.push(b));
    sweeper.onOffline(() => Promise.reject(new Error('a failing handler does not stop the sweeper')));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const t0 = Date.now();
    await store.connect('alice', 's1', t0);
    await store.connect('bob', 's1', t0 + 10_000);
    sweeper.start();
    await jest.advanceTimersByTimeAsync(TIMEOUT - 1);
    expect(batches).toEqual([]);
    await jest.advanceTimersByTimeAsync(20 * SWEEP);
    expect(batches).toEqual([
      [{ userId: 'alice', lastActiveAt: new Date(t0).toISOString() }],
      [{ userId: 'bob', lastActiveAt: new Date(t0 + 10_000).toISOString() }],
    ]);
    expect(logged).toHaveBeenCalledTimes(2);
    logged.mockRestore();
    await sweeper.stop();
  });

  it('skips a tick while a slow sweep is still running, and stop waits for it', async () => {
    const store = new RecordingPresenceStore();
    store.sweepResult = [{ userId: 'u', lastActiveAt: null }];
    let release!: () => void;
    const sweeper = new PresenceSweeper(store, { sweepIntervalMs: SWEEP, clock: () => Date.now() });
    const handled: string[] = [];
    sweeper.onOffline(async (b) => {
      await new Promise<void>((r) => (release = r));
      handled.push(...b.map((t) => t.userId));
    });
    sweeper.start();
    await jest.advanceTimersByTimeAsync(5 * SWEEP);
    expect(store.sweeps).toHaveLength(1);
    const stopped = sweeper.stop();
    release();
    await stopped;
    expect(handled).toEqual(['u']);
  });
});
