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
});
