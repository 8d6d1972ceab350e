import { friendPair, dueCount } from './churn';
import { parseSchedstat } from './proc-stats';
import { mergeSeconds } from './protocol';
import {
  blockedSeconds,
  cpuPerDelivered,
  GcTally,
  loopDelayOf,
  worstRuntime,
  RuntimeStats,
} from './runtime-stats';

const histogram = (valuesMs: number[]) => {
  const ns = [...valuesMs].sort((a, b) => a - b).map((v) => v * 1e6);
  return {
    count: ns.length,
    max: ns.length ? ns[ns.length - 1] : 0,
    mean: ns.length ? ns.reduce((a, b) => a + b, 0) / ns.length : 0,
    percentile: (p: number) => ns[Math.min(ns.length - 1, Math.ceil((p / 100) * ns.length) - 1)],
  };
};

const stats = (loopP99Ms: number, loopMaxMs: number, gcTotalMs: number, gcMaxMs: number): RuntimeStats => ({
  seconds: 10,
  loopResolutionMs: 10,
  loopDelay: { p50Ms: 0, p99Ms: loopP99Ms, maxMs: loopMaxMs, meanMs: 0, samples: 1000 },
  gc: { count: 2, totalMs: gcTotalMs, maxMs: gcMaxMs, byKind: {} },
  eventLoopUtilization: 0.5,
  timeline: [],
});

describe('runtime figures', () => {
  it('counts a loop delay as how late the 10 ms timer fired, never below zero', () => {
    const d = loopDelayOf(histogram([...Array<number>(98).fill(10.2), 60, 310]), 10);
    expect(d).toEqual({ p50Ms: 0.2, p99Ms: 50, maxMs: 300, meanMs: expect.any(Number), samples: 100 });
    expect(loopDelayOf(histogram([9.9]), 10).maxMs).toBe(0);
    expect(loopDelayOf(histogram([]), 10)).toEqual({ p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0, samples: 0 });
  });

  it('adds GC pauses by kind and starts afresh after each take', () => {
    const gc = new GcTally();
    gc.add(1, 2.5);
    gc.add(1, 40.123);
    gc.add(4, 120);
    gc.add(undefined, 1);
    expect(gc.take()).toEqual({
      count: 4,
      totalMs: 163.62,
      maxMs: 120,
      byKind: {
        minor: { count: 2, totalMs: 42.62, maxMs: 40.12 },
        major: { count: 1, totalMs: 120, maxMs: 120 },
        'kind-?': { count: 1, totalMs: 1, maxMs: 1 },
      },
    });
    expect(gc.take()).toEqual({ count: 0, totalMs: 0, maxMs: 0, byKind: {} });
  });

  it('takes the worst process for delays and sums GC over processes; n/a without any agent', () => {
    expect(worstRuntime([stats(5, 40, 10, 8), undefined, stats(20, 30, 5.5, 9)])).toEqual({
      loopP99Ms: 20,
      loopMaxMs: 40,
      gcTotalMs: 15.5,
      gcMaxMs: 9,
      gcCount: 4,
    });
    expect(worstRuntime([undefined])).toBeNull();
  });

  it('divides server CPU by delivered messages, in µs', () => {
    expect(cpuPerDelivered(0.6, 10_000)).toBe(60);
    expect(cpuPerDelivered(0.2, 3)).toBe(66_666.7);
    expect(cpuPerDelivered(1, 0)).toBeNull();
    expect(cpuPerDelivered(0, 100)).toBeNull();
  });

  it('counts what a busy loop spent neither on a core nor waiting for one as blocked', () => {
    // Busy 9.6 s of 10: 1.8 s running, 7.76 s waiting for a core, so ~0.04 s blocked.
    expect(blockedSeconds(0.96, 10, { cpuSeconds: 1.8, runQueueSeconds: 7.76 })).toBe(0.04);
    expect(blockedSeconds(1, 10, { cpuSeconds: 1.43, runQueueSeconds: 7.54 })).toBe(1.03);
    expect(blockedSeconds(0.2, 10, { cpuSeconds: 1.5, runQueueSeconds: 1 })).toBe(0);
  });

  it("reads the main thread's time on a core and waiting for one from schedstat", () => {
    expect(parseSchedstat('174006437 135810728 455\n')).toEqual({
      cpuSeconds: 0.174006437,
      runQueueSeconds: 0.135810728,
    });
    expect(parseSchedstat('')).toBeUndefined();
  });
});

describe('mixed churn schedule', () => {
  it('is due at the fixed rate from its start, none before', () => {
    expect(dueCount(0, 50)).toBe(0);
    expect(dueCount(-5, 50)).toBe(0);
    expect(dueCount(1000, 50)).toBe(50);
    expect(dueCount(1019, 50)).toBe(50);
    expect(dueCount(1020, 50)).toBe(51);
    expect(dueCount(10_000, 0)).toBe(0);
  });

  it('makes each friendship between two distinct users once, then stops', () => {
    const k = 7;
    const seen = new Set<string>();
    let n = 0;
    for (let pair = friendPair(n, k); pair; pair = friendPair(++n, k)) {
      const [a, b] = pair;
      expect(a).not.toBe(b);
      const key = [Math.min(a, b), Math.max(a, b)].join('-');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(n).toBe(k * 3);
    expect(seen.size).toBe(21); // 7 choose 2: every pair
  });
});

describe('send->deliver by second', () => {
  it("adds workers' seconds, keeping the slowest, and fills seconds a worker never reached", () => {
    expect(
      mergeSeconds([
        [{ deliveries: 10, maxMs: 300, over50Ms: 4 }],
        [
          { deliveries: 5, maxMs: 12, over50Ms: 0 },
          { deliveries: 7, maxMs: 60, over50Ms: 1 },
        ],
        [],
      ]),
    ).toEqual([
      { deliveries: 15, maxMs: 300, over50Ms: 4 },
      { deliveries: 7, maxMs: 60, over50Ms: 1 },
    ]);
  });
});
