import { AppConfig, loadConfig } from '../config/app-config';
import { SendRateLimiter } from './send-rate-limiter';

describe('SendRateLimiter', () => {
  const config: AppConfig = loadConfig({
    JWT_SECRET: 'x'.repeat(40),
    DATABASE_URL: 'postgres://h/db',
    SEND_RATE_PER_SECOND: '10',
    SEND_BURST: '3',
  });

  it('allows the burst, then the refill rate, per user', () => {
    const l = new SendRateLimiter(config);
    const t0 = 1_000_000;
    expect([1, 2, 3, 4].map(() => l.take('a', t0))).toEqual([true, true, true, false]);
    expect(l.take('b', t0)).toBe(true);
    expect(l.take('a', t0 + 50)).toBe(false);
    expect(l.take('a', t0 + 100)).toBe(true);
    expect(l.take('a', t0 + 10_000)).toBe(true);
  });
});
