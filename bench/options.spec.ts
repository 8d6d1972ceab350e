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
});
