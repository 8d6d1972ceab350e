import { isMainThread } from 'node:worker_threads';
/**
 * Preloaded into every server the bench starts (`node --require dist/bench/server-agent.js dist/main.js`) and
 * driven through the server's stdin, one command a line:
 *
 * - `profile:start` / `profile:stop <path>`: a V8 CPU profile of exactly the measured window.
 *   (`--server-node-args "--cpu-prof --cpu-prof-dir <dir>"` works too, but profiles the whole life of the
 *   process: start-up, user registration and shutdown included.)
 * - `memory`: a full GC first when the server runs with --expose-gc, then RSS and heap figures, so memory per
 *   connection is not at the mercy of when V8 last collected; and the open file descriptors, so the bench can
 *   see which process holds the sockets.
 * - `runtime <id>`: the event loop's delay (perf_hooks.monitorEventLoopDelay, a 10 ms timer), GC pauses (a
 *   PerformanceObserver on 'gc', main thread) and the loop's utilisation since the previous `runtime`, with a
 *   per-second timeline of the worst delay and the GC time; then starts counting afresh. The bench asks once
 *   when the server is up, once when the measured window starts and once when it ends.
 *
 * Answers are JSON lines on stdout that the bench waits for.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import {
  EventLoopUtilization,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
} from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { GcTally, LOOP_RESOLUTION_MS, loopDelayOf, RuntimeSecond, RuntimeStats } from './runtime-stats';

let session: Session | undefined;

const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) =>
    session!.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );

const answer = (msg: string, data: object) => console.log(JSON.stringify({ msg, ...data }));

/** The longest a timeline keeps (one entry a second), so a server left running does not grow it forever. */
const TIMELINE_SECONDS = 3600;
const TICK_MS = 1000;

/** Loop delay, GC and utilisation since the last `take()`. */
class RuntimeMonitor {
  private readonly window = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly second = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly gc = new GcTally();
  private gcThisSecond = 0;
  private lastTick = performance.now();
  private timeline: RuntimeSecond[] = [];
  private since = performance.now();
  private elu: EventLoopUtilization = performance.eventLoopUtilization();

  constructor() {
    this.window.enable();
    this.second.enable();
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.gc.add((e as { detail?: { kind?: number } }).detail?.kind, e.duration);
        this.gcThisSecond += e.duration;
      }
    }).observe({ entryTypes: ['gc'] });
    setInterval(() => this.tick(), TICK_MS).unref();
  }

  private tick(): void {
    // A stall that the monitor's own timer has not yet recorded still shows as this tick's lateness.
    const now = performance.now();
    const tickLateMs = Math.max(0, now - this.lastTick - TICK_MS);
    this.lastTick = now;
    const late = Math.max(
      loopDelayOf(this.second, LOOP_RESOLUTION_MS).maxMs,
      Math.round(tickLateMs * 100) / 100,
    );
    this.second.reset();
    if (this.timeline.length >= TIMELINE_SECONDS) this.timeline.shift();
    this.timeline.push({
      t: Math.round((now - this.since) / 100) / 10,
      loopMaxMs: late,
      gcMs: Math.round(this.gcThisSecond * 100) / 100,
    });
    this.gcThisSecond = 0;
  }

  take(): RuntimeStats {
    const now = performance.now();
    const elu = performance.eventLoopUtilization(this.elu);
    const stats: RuntimeStats = {
      seconds: Math.round(now - this.since) / 1000,
      loopResolutionMs: LOOP_RESOLUTION_MS,
      loopDelay: loopDelayOf(this.window, LOOP_RESOLUTION_MS),
      gc: this.gc.take(),
      eventLoopUtilization: Math.round(elu.utilization * 1000) / 1000,
      timeline: this.timeline,
    };
    this.window.reset();
    this.timeline = [];
    this.since = now;
    this.elu = performance.eventLoopUtilization();
    return stats;
  }
}

let monitor: RuntimeMonitor | undefined;

async function onCommand(line: string): Promise<void> {
  const [command, arg] = line.trim().split(/\s+/, 2);
  if (command === 'profile:start') {
    session = new Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
    answer('bench profile started', {});
  } else if (command === 'profile:stop' && arg && session) {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    session = undefined;
    writeFileSync(arg, JSON.stringify(profile));
    answer('bench profile written', { path: arg });
  } else if (command === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    let fds: number | undefined;
    try {
      fds = readdirSync('/proc/self/fd').length;
    } catch {
      fds = undefined; // not Linux
    }
    answer('bench memory', {
      gc: gc !== undefined,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      fds,
    });
  } else if (command === 'runtime' && monitor) {
    // The request's id comes back, so an answer delayed by a stalled loop is not taken for a later one's.
    answer('bench runtime', { req: arg, ...monitor.take() });
  }
}

// Preloads run in worker threads too; only the main thread listens to the bench.
if (isMainThread) {
  monitor = new RuntimeMonitor();
  createInterface({ input: process.stdin }).on('line', (line) => {
    onCommand(line).catch((e: unknown) => console.error('bench agent:', e));
  });
  // stdin must not keep the server alive when it shuts down.
  process.stdin.unref();
}
