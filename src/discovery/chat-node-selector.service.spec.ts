import { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { ChatNode, ChatNodeRegistry } from './chat-node-registry';
import { ChatNodeSelector, leastLoaded } from './chat-node-selector.service';
import { discoveryOptions, DiscoveryOptions } from './discovery.options';

const aChatNode = (id: string, connections: number, capacity = 100): ChatNode => ({
  id,
  url: `http://${id}:3000`,
  connections,
  capacity,
});

class FakeRegistry extends ChatNodeRegistry {
  calls = 0;
  constructor(public answer: () => Promise<ChatNode[]>) {
    super();
  }
  async register(): Promise<void> {}
  async pass(): Promise<void> {}
  async deregister(): Promise<void> {}
  healthyNodes(): Promise<ChatNode[]> {
    this.calls++;
    return this.answer();
  }
}

const selector = (registry: ChatNodeRegistry, o: Partial<DiscoveryOptions> = {}) =>
  new ChatNodeSelector(registry, discoveryOptions({ cacheMs: 0, ...o }));

describe('leastLoaded', () => {
  it('compares connections over capacity, not raw connections', () => {
    const nodes = [aChatNode('small', 5, 10), aChatNode('big', 400, 1000), aChatNode('mid', 60, 100)];
    expect(leastLoaded(nodes)?.id).toBe('big');
  });

  it('breaks ties at random over every tied node and none other', () => {
    const nodes = [aChatNode('a', 1), aChatNode('b', 0), aChatNode('c', 0), aChatNode('d', 0)];
    const picks = [0, 0.34, 0.67, 0.999].map((r) => leastLoaded(nodes, () => r)?.id);
    expect(picks).toEqual(['b', 'c', 'd', 'd']);
  });

  it('has no answer for no nodes', () => {
    expect(leastLoaded([])).toBeUndefined();
  });
});

describe('ChatNodeSelector', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  it('answers unavailable (503) when no node is healthy or the registry fails', async () => {
    const none = selector(new FakeRegistry(async () => []));
    await expect(none.pick()).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    const broken = selector(new FakeRegistry(() => Promise.reject(new Error('connect ECONNREFUSED'))));
    const err = await broken.pick().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'unavailable', status: 503 });
    expect((err as AppError).message).not.toContain('ECONNREFUSED');
  });

  it('spreads a burst of picks over one cached snapshot by counting each pick', async () => {
    const registry = new FakeRegistry(async () => [aChatNode('a', 10), aChatNode('b', 10)]);
    const s = selector(registry, { cacheMs: 60_000, random: () => 0 });
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) picks.push((await s.pick()).id);
    expect(picks).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(registry.calls).toBe(1);
  });

  it('never caches a failed lookup', async () => {
    let fail = true;
    const registry = new FakeRegistry(async () => {
      if (fail) throw new Error('timeout');
      return [aChatNode('a', 0)];
    });
    const s = selector(registry, { cacheMs: 60_000 });
    await expect(s.pick()).rejects.toMatchObject({ code: 'unavailable' });
    fail = false;
    expect((await s.pick()).id).toBe('a');
  });
});

describe('discoveryOptions', () => {
  it('passes three times per TTL by default and refuses a pass interval over half the TTL', () => {
    expect(discoveryOptions({ ttlSeconds: 15 }).passIntervalMs).toBe(5000);
    expect(() => discoveryOptions({ ttlSeconds: 2, passIntervalMs: 1500 })).toThrow(/at most half/);
    expect(() => discoveryOptions({ capacity: 0 })).toThrow(/capacity/);
  });
});
