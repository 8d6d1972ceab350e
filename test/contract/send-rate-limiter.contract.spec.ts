import { randomUUID } from 'node:crypto';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import {
  InMemorySendRateLimiter,
  RedisSendRateLimiter,
  SendRateLimiter,
} from '../../src/chat-gateway/send-rate-limiter';
import { RedisService } from '../../src/redis/redis.service';
import { TEST_JWT_SECRET, tempDataDir } from '../support/app';
import { describeWith } from '../support/services';

const configWith = (env: Record<string, string>): AppConfig =>
  loadConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: tempDataDir(),
    SEND_RATE_PER_SECOND: '10',
    SEND_BURST: '3',
    ...env,
  });

/**
 * DESIGN.md section 7: the send rate is per user (SEND_RATE_PER_SECOND refill, SEND_BURST capacity). `nodes`
 * opens limiters as separate chat nodes would have them; the embedded server has one.
 */
function rateContract(open: () => Promise<{ nodes: SendRateLimiter[]; close(): Promise<void> }>): void {
  let nodes: SendRateLimiter[];
  let close: () => Promise<void>;
  beforeAll(async () => ({ nodes, close } = await open()));
  afterAll(() => close());
  const t0 = Date.now();
  const takes = async (l: SendRateLimiter, user: string, n: number, now: number) => {
    const out: boolean[] = [];
    for (let i = 0; i < n; i++) out.push(await l.take(user, now));
    return out;
  };

  it('allows the burst, then refuses, for each user on its own', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(await takes(nodes[0], a, 4, t0)).toEqual([true, true, true, false]);
    expect(await takes(nodes[0], b, 1, t0)).toEqual([true]);
  });

  it('answers takes made at the same moment in order: the first ones fit', async () => {
    const a = randomUUID();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => nodes[0].take(a, t0)));
    expect(answers).toEqual([true, true, true, false, false]);
  });

  it('refills at the rate, up to the burst', async () => {
    const a = randomUUID();
    await takes(nodes[0], a, 3, t0);
    expect(await nodes[0].take(a, t0 + 50)).toBe(false);
    expect(await nodes[0].take(a, t0 + 100)).toBe(true);
    expect(await takes(nodes[0], a, 4, t0 + 60_000)).toEqual([true, true, true, false]);
  });

  it("shares one allowance between a user's devices on every node", async () => {
    const a = randomUUID();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await nodes[i % nodes.length].take(a, t0));
    expect(answers).toEqual([true, true, true, false, false, false]);
  });

  it('does not refill backwards when a node with a lagging clock takes', async () => {
    const a = randomUUID();
    await takes(nodes[0], a, 3, t0 + 1000);
    expect(await nodes[nodes.length - 1].take(a, t0)).toBe(false);
    expect(await nodes[0].take(a, t0 + 1000)).toBe(false);
  });
}

describe('send rate contract: embedded (one process)', () => {
  rateContract(async () => ({
    nodes: [new InMemorySendRateLimiter(configWith({}))],
    close: async () => undefined,
  }));
});

describeWith(['redis'], 'send rate contract: Redis (two chat nodes)', ({ redis }) => {
  const services: RedisService[] = [];
  rateContract(async () => {
    const config = configWith({ REDIS_URL: redis });
    services.push(new RedisService(config), new RedisService(config));
    return {
      nodes: services.map((s) => new RedisSendRateLimiter(config, s)),
      close: async () => void (await Promise.all(services.map((s) => s.onApplicationShutdown()))),
    };
  });

  it('lets an idle bucket expire once it would be full again', async () => {
    const a = randomUUID();
    await services[0].client.del(`chat:send-rate:{${a}}`);
    await new RedisSendRateLimiter(configWith({ REDIS_URL: redis }), services[0]).take(a);
    const ttl = await services[0].client.pttl(`chat:send-rate:{${a}}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual((3 / 10) * 1000 + 1000);
  });
});
