import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { InMemoryPushCollapseGate } from '../../src/notification/collapse/in-memory-push-collapse-gate';
import { PushCollapseGate } from '../../src/notification/collapse/push-collapse-gate';
import { RedisPushCollapseGate } from '../../src/notification/collapse/redis-push-collapse-gate';
import { describeWith } from '../support/services';

const TTL = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The collapse gate's contract: one open window per (user, channel) at a time, for its TTL. */
function collapseGateContract(make: () => PushCollapseGate): void {
  let gate: PushCollapseGate;
  const user = () => `u${randomBytes(4).toString('hex')}`;
  beforeEach(() => {
    gate = make();
  });

  it('opens a window once; later calls find it open', async () => {
    const u = user();
    expect(await gate.tryOpen(u, 'dm:a:b', TTL)).toBe(true);
    expect(await gate.tryOpen(u, 'dm:a:b', TTL)).toBe(false);
    expect(await gate.tryOpen(u, 'dm:a:b', TTL)).toBe(false);
  });

  it('lets exactly one of many concurrent callers open it', async () => {
    const u = user();
    const results = await Promise.all(Array.from({ length: 20 }, () => gate.tryOpen(u, 'g1', TTL)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps windows apart per user and per channel', async () => {
    const [u, v] = [user(), user()];
    expect(await gate.tryOpen(u, 'g1', TTL)).toBe(true);
    expect(await gate.tryOpen(v, 'g1', TTL)).toBe(true);
    expect(await gate.tryOpen(u, 'g2', TTL)).toBe(true);
  });

  it('opens again once the window has expired', async () => {
    const u = user();
    expect(await gate.tryOpen(u, 'g1', TTL)).toBe(true);
    await sleep(TTL + 50);
    expect(await gate.tryOpen(u, 'g1', TTL)).toBe(true);
  });

  it('opens again after close', async () => {
    const u = user();
    expect(await gate.tryOpen(u, 'g1', TTL)).toBe(true);
    await gate.close(u, 'g1');
    expect(await gate.tryOpen(u, 'g1', TTL)).toBe(true);
    await gate.close(user(), 'never-opened');
  });
}

describe('push collapse gate contract: in-memory adapter', () => {
  collapseGateContract(() => new InMemoryPushCollapseGate());
});

describeWith(['redis'], 'push collapse gate contract: Redis adapter', ({ redis: url }) => {
  const prefix = `test:push-gate:${randomBytes(6).toString('hex')}`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });
  collapseGateContract(() => new RedisPushCollapseGate(redis, prefix));
});
