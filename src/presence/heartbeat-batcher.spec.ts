import { Logger } from '@nestjs/common';
import { HeartbeatBatcher } from './heartbeat-batcher';
import { HeartbeatEntry, OfflineTransition, PresenceStore, UserPresence } from './presence.store';

/** Records heartbeat batches; can hold one open or fail it. */
class RecordingPresenceStore extends PresenceStore {
  readonly batches: { entries: HeartbeatEntry[]; now: number }[] = [];
  cameOnline: string[] = [];
  failNext?: Error;
  private held?: Promise<void>;

  holdNextBatch(): () => void {
    let release!: () => void;
    this.held = new Promise((r) => (release = r));
    return release;
  }

  async heartbeatBatch(entries: readonly HeartbeatEntry[], now: number): Promise<{ cameOnline: string[] }> {
    this.batches.push({ entries: [...entries], now });
    const [held, fail] = [this.held, this.failNext];
    [this.held, this.failNext] = [undefined, undefined];
    if (held) await held;
    if (fail) throw fail;
    return { cameOnline: this.cameOnline };
  }

  connect(): Promise<{ cameOnline: boolean }> {
    throw new Error('not used');
  }
  disconnect(): Promise<void> {
    throw new Error('not used');
  }
  sweep(): Promise<OfflineTransition[]> {
    throw new Error('not used');
  }
  onlineCount(): Promise<number> {
    return Promise.resolve(0);
  }
  status(): Promise<Map<string, UserPresence>> {
    throw new Error('not used');
  }
}

describe('HeartbeatBatcher', () => {
  const FLUSH = 5_000;
  let store: RecordingPresenceStore;
  let batcher: HeartbeatBatcher;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_764_000_000_000 });
    store = new RecordingPresenceStore();
    batcher = new HeartbeatBatcher(store, { flushIntervalMs: FLUSH, clock: () => Date.now() });
  });
  afterEach(async () => {
    await batcher.stop();
    jest.useRealTimers();
  });

  it('sends many beats of many devices in one store call per flush, one entry per device', async () => {
    const t0 = Date.now();
    for (let round = 0; round < 5; round++) {
      for (let d = 0; d < 300; d++) batcher.beat(`u${d % 100}`, `s${d}`, t0 + round * 100 + d);
    }
    expect(batcher.size).toBe(300);
    await jest.advanceTimersByTimeAsync(FLUSH - 1);
    expect(store.batches).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(store.batches).toHaveLength(1);
    const [{ entries, now }] = store.batches;
    expect(now).toBe(t0 + FLUSH);
    expect(entries).toHaveLength(300);
    // Each device keeps the time of its latest beat, not the flush time.
    expect(entries).toContainEqual({ userId: 'u7', deviceKey: 's107', at: t0 + 400 + 107 });
    expect(batcher.size).toBe(0);
  });

  it('makes no store call for a flush with nothing buffered', async () => {
    batcher.beat('u', 's');
    await jest.advanceTimersByTimeAsync(FLUSH);
    await jest.advanceTimersByTimeAsync(10 * FLUSH);
    expect(store.batches).toHaveLength(1);
  });

  it('flushes on demand, and drops the beat of a device forgotten on disconnect', async () => {
    batcher.beat('u', 'gone');
    batcher.beat('u', 'kept');
    batcher.forget('u', 'gone');
    batcher.forget('nobody', 'x');
    await batcher.flushNow();
    expect(store.batches.map((b) => b.entries.map((e) => e.deviceKey))).toEqual([['kept']]);
  });

  it('keeps the beats of a failed flush for the next one, under newer beats', async () => {
    batcher.beat('u', 'a', 100);
    batcher.beat('u', 'b', 100);
    store.failNext = new Error('redis down');
    const release = store.holdNextBatch();
    const flushing = batcher.flushNow();
    batcher.beat('u', 'a', 200);
    batcher.forget('u', 'b');
    release();
    await expect(flushing).rejects.toThrow('redis down');
    await batcher.flushNow();
    expect(store.batches[1].entries).toEqual([{ userId: 'u', deviceKey: 'a', at: 200 }]);
  });

  it('runs one flush at a time: a tick during a slow flush waits for the next interval', async () => {
    batcher.beat('u', 'a');
    const release = store.holdNextBatch();
    await jest.advanceTimersByTimeAsync(FLUSH);
    batcher.beat('u', 'b');
    await jest.advanceTimersByTimeAsync(FLUSH);
    expect(store.batches).toHaveLength(1);
    release();
    await jest.advanceTimersByTimeAsync(FLUSH);
    expect(store.batches.map((b) => b.entries.map((e) => e.deviceKey))).toEqual([['a'], ['b']]);
  });

  it('hands the users a flush brought back online to the handlers', async () => {
    const seen: (readonly string[])[] = [];
    batcher.onCameOnline((ids) => void seen.push(ids));
    batcher.onCameOnline(() => {
      throw new Error('a failing handler does not stop the others');
    });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    store.cameOnline = ['u1'];
    batcher.beat('u1', 's');
    await batcher.flushNow();
    expect(seen).toEqual([['u1']]);
    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining('a failing handler does not stop the others'),
    );
    logged.mockRestore();
  });

  it('flushes what is buffered on shutdown and ignores later beats', async () => {
    batcher.beat('u', 's');
    await batcher.beforeApplicationShutdown();
    expect(store.batches).toHaveLength(1);
    batcher.beat('u', 's');
    await jest.advanceTimersByTimeAsync(10 * FLUSH);
    expect(store.batches).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
