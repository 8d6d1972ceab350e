/**
 * What a server's own runtime says about a window of the run: how late its event loop ran timers (the
 * stalls a message waits behind) and how long garbage collection paused it. The bench's agent
 * (server-agent.ts) collects these inside each server process; this module holds the shapes and the pure
 * arithmetic, shared by the agent and the bench.
 */

/** The loop-delay monitor's timer: a 10 ms timer, as the measurement used. */
export const LOOP_RESOLUTION_MS = 10;

export interface LoopDelay {
  /** How late the monitor's timer fired, in ms past its due time (0 = on time). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Timer firings observed. */
  samples: number;
}

export interface GcFigures {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface GcTotals extends GcFigures {
  /** By V8's kind: minor (scavenge), major (mark-compact), incremental (marking steps), weakcb. */
  byKind: Record<string, GcFigures>;
}

/** One second of the timeline: the worst loop delay and the GC pause time in it. */
export interface RuntimeSecond {
  /** Seconds since the window began (the end of the second). */
  t: number;
  loopMaxMs: number;
  gcMs: number;
}

export interface RuntimeStats {
  seconds: number;
  loopResolutionMs: number;
  loopDelay: LoopDelay;
  gc: GcTotals;
  /** Share of the wall time the event loop was busy (performance.eventLoopUtilization), 0..1. */
  eventLoopUtilization: number;
  timeline: RuntimeSecond[];
}

/** A server process's runtime before the measured window (set-up and warm-up) and in it. */
export interface ProcessRuntime {
  beforeWindow?: RuntimeStats;
  window?: RuntimeStats;
}

/** perf_hooks' GC kinds (constants.NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weakcb' };
export const gcKindName = (kind: number | undefined): string =>
  (kind !== undefined && GC_KINDS[kind]) || `kind-${kind ?? '?'}`;

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Adds up GC pauses as the observer reports them. */
export class GcTally {
  private totals: GcTotals = GcTally.empty();

  static empty(): GcTotals {
    return { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
  }

  add(kind: number | undefined, durationMs: number): void {
    const t = this.totals;
    const k = (t.byKind[gcKindName(kind)] ??= { count: 0, totalMs: 0, maxMs: 0 });
    for (const f of [t, k]) {
      f.count++;
      f.totalMs += durationMs;
      f.maxMs = Math.max(f.maxMs, durationMs);
    }
  }

  /** The totals since the last take (rounded to 0.01 ms), and a fresh start. */
  take(): GcTotals {
    const t = this.totals;
    this.totals = GcTally.empty();
    const r = (f: GcFigures): GcFigures => ({
      count: f.count,
      totalMs: round(f.totalMs),
      maxMs: round(f.maxMs),
    });
    return {
      ...r(t),
      byKind: Object.fromEntries(Object.entries(t.byKind).map(([k, f]) => [k, r(f)])),
    };
  }
}

/** What the loop-delay summary needs of perf_hooks' IntervalHistogram (values in nanoseconds). */
export interface DelayHistogram {
  count: number;
  max: number;
  mean: number;
  percentile(p: number): number;
}

/**
 * The monitor's histogram holds whole timer intervals (a 10 ms timer that ran on time records ~10 ms); the
 * delay is what exceeds the resolution.
 */
export function loopDelayOf(h: DelayHistogram, resolutionMs: number): LoopDelay {
  const late = (ns: number) =>
    Number.isFinite(ns) && ns > 0 ? round(Math.max(0, ns / 1e6 - resolutionMs)) : 0;
  if (h.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0, samples: 0 };
  return {
    p50Ms: late(h.percentile(50)),
    p99Ms: late(h.percentile(99)),
    maxMs: late(h.max),
    meanMs: late(h.mean),
    samples: h.count,
  };
}

/** The worst of several processes' figures (a cluster's five, or the one embedded server). */
export function worstRuntime(stats: (RuntimeStats | undefined)[]): {
  loopP99Ms: number;
  loopMaxMs: number;
  gcTotalMs: number;
  gcMaxMs: number;
  gcCount: number;
} | null {
  const known = stats.filter((s): s is RuntimeStats => s !== undefined);
  if (!known.length) return null;
  return {
    loopP99Ms: Math.max(...known.map((s) => s.loopDelay.p99Ms)),
    loopMaxMs: Math.max(...known.map((s) => s.loopDelay.maxMs)),
    gcTotalMs: round(known.reduce((a, s) => a + s.gc.totalMs, 0)),
    gcMaxMs: Math.max(...known.map((s) => s.gc.maxMs)),
    gcCount: known.reduce((a, s) => a + s.gc.count, 0),
  };
}

/**
 * Of the time the event loop was busy (utilisation × the measured window), what its thread spent neither on a
 * core nor waiting for one: a synchronous wait (a blocking call, a lock). A lower bound, and rough: a thread
 * woken from epoll also waits for a core while the loop counts as idle, and the agent's window ends when its
 * command gets through a stalled loop, later than the sampler's.
 */
export function blockedSeconds(
  utilization: number,
  seconds: number,
  main: { cpuSeconds: number; runQueueSeconds: number },
): number {
  return round(Math.max(0, utilization * seconds - main.cpuSeconds - main.runQueueSeconds));
}

/** CPU µs per delivered message; null when nothing was delivered or no CPU was sampled. */
export function cpuPerDelivered(cpuSeconds: number, delivered: number): number | null {
  return delivered > 0 && cpuSeconds > 0 ? Math.round((cpuSeconds * 1e6 * 10) / delivered) / 10 : null;
}
