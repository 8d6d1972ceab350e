import { readFileSync } from 'node:fs';

/** Linux's USER_HZ, the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream kernel build. */
const CLOCK_TICKS = 100;

export interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
  /** The kernel's own high-water mark (VmHWM). */
  peakRssBytes: number;
  /**
   * The main thread alone (/proc/<pid>/schedstat, nanoseconds → seconds): time on a core, and time runnable
   * but waiting for one. A stalled event loop whose main thread neither ran nor waited for a core was blocked
   * (a synchronous wait); one that waited for a core was starved by the machine's other load.
   */
  mainThread?: { cpuSeconds: number; runQueueSeconds: number };
}

/** Parses /proc/<pid>/schedstat: "<ns on cpu> <ns waiting on a run queue> <timeslices>". */
export function parseSchedstat(text: string): { cpuSeconds: number; runQueueSeconds: number } | undefined {
  const [cpu, wait] = text.trim().split(/\s+/).map(Number);
  return Number.isFinite(cpu) && Number.isFinite(wait)
    ? { cpuSeconds: cpu / 1e9, runQueueSeconds: wait / 1e9 }
    : undefined;
}

/** Reads one process's CPU time and memory from /proc; undefined once it is gone (or off Linux). */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let mainThread: ProcSample['mainThread'];
    try {
      mainThread = parseSchedstat(readFileSync(`/proc/${pid}/schedstat`, 'utf8'));
    } catch {
      mainThread = undefined; // a kernel without schedstats
    }
    return { cpuSeconds, rssBytes: kb(status, 'VmRSS'), peakRssBytes: kb(status, 'VmHWM'), mainThread };
  } catch {
    return undefined;
  }
}

function kb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

export type ProcKind = 'server' | 'generator';

export interface ProcessStats {
  name: string;
  kind: ProcKind;
  pid: number;
  cpuSeconds: number;
  /** CPU seconds between `markStart()` and `markEnd()` (the measured phase), and their share of one core. */
  cpuSecondsMeasured: number;
  cpuPercentMeasured: number;
  /** The main thread over the measured phase: seconds on a core, and runnable but waiting for a core. */
  mainThreadMeasured?: { cpuSeconds: number; runQueueSeconds: number };
  peakRssMB: number;
  rssStartMB: number;
  rssEndMB: number;
}

interface Tracked {
  name: string;
  kind: ProcKind;
  pid: number;
  last?: ProcSample;
  peak: number;
  start?: { t: number; s: ProcSample };
  end?: { t: number; s: ProcSample };
}

const MB = 1024 * 1024;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Samples a set of processes (servers, load workers) twice a second. */
export class ProcSampler {
  private tracked: Tracked[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 500) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  track(name: string, pid: number, kind: ProcKind): void {
    this.tracked.push({ name, pid, kind, peak: 0 });
    this.sample();
  }

  /** Forgets every process (a new target follows). */
  clear(): void {
    this.tracked = [];
  }

  sample(): void {
    for (const t of this.tracked) {
      const s = readProc(t.pid);
      if (!s) continue;
      t.last = s;
      t.peak = Math.max(t.peak, s.rssBytes, s.peakRssBytes);
    }
  }

  /** Current RSS of the processes of one kind, summed. */
  rssBytes(kind: ProcKind): number {
    this.sample();
    return this.tracked.filter((t) => t.kind === kind).reduce((a, t) => a + (t.last?.rssBytes ?? 0), 0);
  }

  markStart(): void {
    this.sample();
    const now = Date.now();
    for (const t of this.tracked) if (t.last) t.start = { t: now, s: t.last };
  }

  markEnd(): void {
    this.sample();
    const now = Date.now();
    for (const t of this.tracked) if (t.last) t.end = { t: now, s: t.last };
  }

  /** CPU use of the processes of one kind since the last call with `state`, as a share of one core. */
  cpuPercentSince(kind: ProcKind, state: { t: number; cpu: number }): number {
    this.sample();
    const cpu = this.tracked
      .filter((t) => t.kind === kind)
      .reduce((a, t) => a + (t.last?.cpuSeconds ?? 0), 0);
    const now = Date.now();
    const pct = now > state.t ? ((cpu - state.cpu) * 100_000) / (now - state.t) : 0;
    state.t = now;
    state.cpu = cpu;
    return pct;
  }

  stats(): ProcessStats[] {
    return this.tracked.map((t) => {
      const measured = t.start && t.end ? t.end.s.cpuSeconds - t.start.s.cpuSeconds : 0;
      const secs = t.start && t.end ? (t.end.t - t.start.t) / 1000 : 0;
      const m0 = t.start?.s.mainThread;
      const m1 = t.end?.s.mainThread;
      return {
        name: t.name,
        kind: t.kind,
        pid: t.pid,
        cpuSeconds: round(t.last?.cpuSeconds ?? 0, 2),
        cpuSecondsMeasured: round(measured, 2),
        cpuPercentMeasured: secs > 0 ? round((measured * 100) / secs) : 0,
        mainThreadMeasured:
          m0 && m1
            ? {
                cpuSeconds: round(m1.cpuSeconds - m0.cpuSeconds, 2),
                runQueueSeconds: round(m1.runQueueSeconds - m0.runQueueSeconds, 2),
              }
            : undefined,
        peakRssMB: round(t.peak / MB),
        rssStartMB: round((t.start?.s.rssBytes ?? 0) / MB),
        rssEndMB: round((t.end?.s.rssBytes ?? t.last?.rssBytes ?? 0) / MB),
      };
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
