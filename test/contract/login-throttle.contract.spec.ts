import { randomUUID } from 'node:crypto';
import { InMemoryLoginThrottle, LoginThrottle, RedisLoginThrottle } from '../../src/auth/login-throttle';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { RedisService } from '../../src/redis/redis.service';
import { TEST_JWT_SECRET, tempDataDir } from '../support/app';
import { describeWith } from '../support/services';
import { until } from '../support/wait';

const configWith = (env: Record<string, string>): AppConfig =>
  loadConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: tempDataDir(),
    LOGIN_FAILURES_PER_ACCOUNT: '3',
    LOGIN_FAILURE_WINDOW_SECONDS: '1',
    ...env,
  });

/** Failed logins per username, shared by every api process (`nodes`). */
function throttleContract(open: () => Promise<{ nodes: LoginThrottle[]; close(): Promise<void> }>): void {
  let nodes: LoginThrottle[];
  let close: () => Promise<void>;
  beforeAll(async () => ({ nodes, close } = await open()));
  afterAll(() => close());
  const takes = async (name: string, n: number) => {
    const out: boolean[] = [];
    for (let i = 0; i < n; i++) out.push(await nodes[i % nodes.length].take(name));
    return out;
  };

  it('allows the failures of a window from any process, then refuses, for each username on its own', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(await takes(a, 5)).toEqual([true, true, true, false, false]);
    expect(await takes(b, 1)).toEqual([true]);
  });

  it('does not count attempts given back (a correct password)', async () => {
    const a = randomUUID();
    for (let i = 0; i < 5; i++) {
      expect(await nodes[i % nodes.length].take(a)).toBe(true);
      await nodes[(i + 1) % nodes.length].giveBack(a);
    }
  });

  it('lets the username try again once the short window ends, however many were refused', async () => {
    const a = randomUUID();
    await takes(a, 10);
    await until(() => nodes[0].take(a), Boolean, 3000, 'the window to end');
  });
}

describe('login throttle contract: embedded (one process)', () => {
  throttleContract(async () => ({
    nodes: [new InMemoryLoginThrottle(configWith({}))],
    close: async () => undefined,
  }));
});

describeWith(['redis'], 'login throttle contract: Redis (two api processes)', ({ redis }) => {
  const services: RedisService[] = [];
  throttleContract(async () => {
    const config = configWith({ REDIS_URL: redis });
    services.push(new RedisService(config), new RedisService(config));
    return {
      nodes: services.map((s) => new RedisLoginThrottle(config, s)),
      close: async () => void (await Promise.all(services.map((s) => s.onApplicationShutdown()))),
    };
  });
});
