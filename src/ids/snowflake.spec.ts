import { BACKFILL_SNOWFLAKE_EPOCH_MS } from '../database/conversation-backfill';
import { isSnowflakeString, SNOWFLAKE_EPOCH_MS, SnowflakeGenerator, snowflakeTime } from './snowflake';

describe('SnowflakeGenerator', () => {
  const at = (ms: number) => {
    let now = ms;
    return { clock: () => now, set: (v: number) => (now = v) };
  };

  it('issues strictly increasing ids for 10,000 ids in one millisecond', () => {
    const t = at(SNOWFLAKE_EPOCH_MS + 1_000_000);
    const gen = new SnowflakeGenerator(3, t.clock);
    let prev = -1n;
    for (let i = 0; i < 10_000; i++) {
      const id = gen.next();
      expect(id).toBeGreaterThan(prev);
      prev = id;
    }
  });

  it('keeps increasing when the clock steps back', () => {
    const t = at(SNOWFLAKE_EPOCH_MS + 5_000_000);
    const gen = new SnowflakeGenerator(1, t.clock);
    const before = gen.next();
    t.set(SNOWFLAKE_EPOCH_MS + 4_000_000); // NTP stepped the clock back a thousand seconds
    const after = [gen.next(), gen.next()];
    expect(after[0]).toBeGreaterThan(before);
    expect(after[1]).toBeGreaterThan(after[0]);
    t.set(SNOWFLAKE_EPOCH_MS + 6_000_000);
    expect(gen.next()).toBeGreaterThan(after[1]);
  });

  it('encodes the time, the node id and fits in 63 bits', () => {
    const ms = SNOWFLAKE_EPOCH_MS + 123_456_789;
    const id = new SnowflakeGenerator(1023, () => ms).next();
    expect(snowflakeTime(id)).toBe(ms);
    expect(Number((id >> 12n) & 1023n)).toBe(1023);
    expect(id < 1n << 63n).toBe(true);
    expect(isSnowflakeString(id.toString())).toBe(true);
  });

  it('orders ids of different nodes by time first', () => {
    const early = new SnowflakeGenerator(1000, () => SNOWFLAKE_EPOCH_MS + 10).next();
    const late = new SnowflakeGenerator(0, () => SNOWFLAKE_EPOCH_MS + 11).next();
    expect(late).toBeGreaterThan(early);
  });

  it('refuses node ids outside 10 bits', () => {
    expect(() => new SnowflakeGenerator(1024)).toThrow();
    expect(() => new SnowflakeGenerator(-1)).toThrow();
  });

  it('accepts only decimal strings within 63 bits as ids', () => {
    for (const bad of ['', 'abc', '-1', '1.5', '9223372036854775808', ' 1', 1])
      expect(isSnowflakeString(bad)).toBe(false);
    expect(isSnowflakeString('9223372036854775807')).toBe(true);
  });
});

describe('the conversation backfill (src/database/conversation-backfill.ts)', () => {
  it('turns times into ids with the same epoch as the generator', () => {
    expect(BACKFILL_SNOWFLAKE_EPOCH_MS).toBe(SNOWFLAKE_EPOCH_MS);
  });
});
