import { parseOptions, UsageError } from './options';

describe('bench options', () => {
  it('takes node flags for the server after a space, as the usage shows, or after =', () => {
    for (const argv of [
      ['dm', '--server-node-args', '--max-old-space-size=512 --expose-gc'],
      ['dm', '--server-node-args=--max-old-space-size=512 --expose-gc'],
    ]) {
      const o = parseOptions(argv);
      expect(o !== 'help' && o.serverNodeArgs).toEqual(['--max-old-space-size=512', '--expose-gc']);
    }
  });

  it('keeps the options after the node flags', () => {
    const o = parseOptions(['dm', '--server-node-args', '--expose-gc', '--rate', 'max', '--cluster']);
    expect(o !== 'help' && [o.serverNodeArgs, o.rate, o.cluster]).toEqual([['--expose-gc'], 'max', true]);
  });

  it('refuses what it cannot use, naming the option', () => {
    expect(() => parseOptions(['dm', '--rate', 'fast'])).toThrow(/--rate/);
    expect(() => parseOptions(['nope'])).toThrow(UsageError);
    expect(() => parseOptions(['dm', '--cluster', '--url', 'http://x'])).toThrow(/exclude each other/);
  });

  it('gives each new scenario its defaults and keeps its options to it', () => {
    const c = parseOptions(['conversations']);
    expect(c !== 'help' && [c.conversations, c.dmPeers, c.unread, c.samples, c.warmupS]).toEqual([
      5000, 20, 100_000, 200, 0,
    ]);
    const r = parseOptions(['reads']);
    expect(r !== 'help' && [r.messages, r.window, r.pairs]).toEqual([1000, 8, 50]);
    const g = parseOptions(['group', '--receipts']);
    expect(g !== 'help' && g.receipts).toBe(true);
    expect(() => parseOptions(['dm', '--receipts'])).toThrow(/--receipts is a group option/);
    expect(() => parseOptions(['conversations', '--conversations', '10', '--dm-peers', '11'])).toThrow(
      /--dm-peers/,
    );
    expect(() => parseOptions(['conversations', '--samples', '0'])).toThrow(/--samples/);
  });

  it('runs the fresh-users table with no warm-up unless one is asked for', () => {
    const o = parseOptions(['dm', '--fresh', '--rate', '1000', '--pairs', '100', '--duration', '10']);
    expect(o !== 'help' && [o.fresh, o.warmupS, o.rate, o.pairs, o.durationS]).toEqual([
      true,
      0,
      1000,
      100,
      10,
    ]);
    const w = parseOptions(['dm', '--fresh', '--warmup', '10']);
    expect(w !== 'help' && w.warmupS).toBe(10);
    const d = parseOptions(['dm']);
    expect(d !== 'help' && [d.fresh, d.warmupS]).toEqual([false, 1]);
    expect(() => parseOptions(['group', '--fresh'])).toThrow(/--fresh is a dm and mixed option/);
  });

  it('gives mixed its churn defaults and keeps the churn options to it', () => {
    const m = parseOptions(['mixed']);
    expect(
      m !== 'help' && [m.rate, m.logins, m.churn, m.churnHoldS, m.friendships, m.churnUsers, m.warmupS],
    ).toEqual([1000, 20, 50, 1, 5, 100, 1]);
    const c = parseOptions(['mixed', '--logins', '0', '--churn', '100', '--churn-hold', '0.5', '--fresh']);
    expect(c !== 'help' && [c.logins, c.churn, c.churnHoldS, c.fresh, c.warmupS]).toEqual([
      0,
      100,
      0.5,
      true,
      0,
    ]);
    expect(() => parseOptions(['dm', '--logins', '5'])).toThrow(/--logins is a mixed option/);
    expect(() => parseOptions(['mixed', '--churn', '-1'])).toThrow(/--churn/);
    expect(() => parseOptions(['mixed', '--churn-users', '1'])).toThrow(/--churn-users/);
  });

  it('takes several rates for one run per rate, the first as the rate', () => {
    const o = parseOptions(['dm', '--fresh', '--rate', '1000,3000,6000,10000']);
    expect(o !== 'help' && [o.rate, o.rates]).toEqual([1000, [1000, 3000, 6000, 10000]]);
    const d = parseOptions(['dm']);
    expect(d !== 'help' && [d.rate, d.rates]).toEqual([1000, [1000]]);
    const g = parseOptions(['group', '--rate', 'max,5']);
    expect(g !== 'help' && g.rates).toEqual(['max', 5]);
    expect(() => parseOptions(['dm', '--rate', '1000,,3000'])).toThrow(/--rate/);
    expect(() => parseOptions(['sync', '--rate', '1,2'])).toThrow(/several --rate values/);
  });
});
