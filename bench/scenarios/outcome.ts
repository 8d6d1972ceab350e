import type { BenchContext } from '../bench-context';
import type { LoadSummary } from '../run-load';
import { blockedSeconds, RuntimeStats, worstRuntime } from '../runtime-stats';
import { readRuntime } from '../server-runtime';
import { BenchTarget, startTarget } from '../target';

/** `loss` covers lost, duplicate and misdelivered messages (exit 1); `errors` failed sends or connections (exit 2). */
export interface Failure {
  kind: 'loss' | 'errors';
  message: string;
}

export interface Table {
  columns: string[];
  rows: (string | number)[][];
}

export interface ScenarioOutcome {
  results: Record<string, unknown>;
  table: Table;
  /** Further tables printed after the main one (e.g. each server process's loop delay and GC). */
  tables?: { title: string; table: Table }[];
  failures: Failure[];
}

/** Starts the target, samples its processes, runs `fn`, and always stops it again. */
export async function withTarget<T>(
  ctx: BenchContext,
  relay: boolean,
  fn: (target: BenchTarget) => Promise<T>,
): Promise<T> {
  const target = await startTarget(ctx.opts, relay);
  for (const p of target.pids) ctx.sampler.track(p.name, p.pid, 'server');
  // The servers' loop delay and GC count from here: start-up is not the run's.
  await readRuntime(target.servers);
  try {
    return await fn(target);
  } finally {
    await target.stop();
    ctx.sampler.clear();
  }
}

export function loadFailures(s: LoadSummary): Failure[] {
  const f: Failure[] = [];
  const c = s.counts;
  if (c.lost > 0) f.push({ kind: 'loss', message: `${s.label}: ${c.lost} acked deliveries never arrived` });
  if (c.duplicates > 0) f.push({ kind: 'loss', message: `${s.label}: ${c.duplicates} duplicate deliveries` });
  if (c.misdelivered > 0)
    f.push({
      kind: 'loss',
      message: `${s.label}: ${c.misdelivered} deliveries to a socket that is no recipient`,
    });
  const errors = Object.entries(c.errors).filter(([, n]) => n > 0);
  if (errors.length)
    f.push({
      kind: 'errors',
      message: `${s.label}: send errors ${errors.map(([k, n]) => `${k}=${n}`).join(' ')}`,
    });
  if (c.acked === 0) f.push({ kind: 'errors', message: `${s.label}: no message was acked` });
  if (s.receipts) {
    const readErrors = Object.entries(s.receipts.readErrors).filter(([, n]) => n > 0);
    if (readErrors.length)
      f.push({
        kind: 'errors',
        message: `${s.label}: read errors ${readErrors.map(([k, n]) => `${k}=${n}`).join(' ')}`,
      });
    if (s.receipts.readsAcked === 0) f.push({ kind: 'errors', message: `${s.label}: no read was acked` });
  }
  if (c.disconnects > 0)
    f.push({ kind: 'errors', message: `${s.label}: ${c.disconnects} sockets disconnected` });
  return f;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));

/** One column per run (e.g. baseline and dm), plus their ratio when there are two. */
export function loadTable(runs: LoadSummary[]): Table {
  const lat = (pick: (s: LoadSummary) => LoadSummary['latencyMs']['sendToAck']) =>
    [
      ['p50', (s: LoadSummary) => pick(s).p50Ms],
      ['p90', (s: LoadSummary) => pick(s).p90Ms],
      ['p99', (s: LoadSummary) => pick(s).p99Ms],
      ['max', (s: LoadSummary) => pick(s).maxMs],
    ] as const;
  const metrics: [string, (s: LoadSummary) => number | string][] = [
    ['connections', (s) => s.connections],
    ['offered msg/s', (s) => s.offeredPerSec],
    ['acked msg/s', (s) => s.ackedPerSec],
    ['delivered msg/s', (s) => s.deliveredPerSec],
    ...lat((s) => s.latencyMs.sendToDeliver).map(
      ([p, f]) => [`send->deliver ${p} ms`, f] as [string, (s: LoadSummary) => number],
    ),
    ...lat((s) => s.latencyMs.sendToAck).map(
      ([p, f]) => [`send->ack ${p} ms`, f] as [string, (s: LoadSummary) => number],
    ),
    ['send->last recipient p99 ms', (s) => s.latencyMs.sendToLastRecipient.p99Ms],
    [
      'generator send lag p99 / max ms',
      (s) =>
        s.rate === 'max'
          ? '-'
          : `${fmt(s.latencyMs.generatorSendLag.p99Ms)} / ${fmt(s.latencyMs.generatorSendLag.maxMs)}`,
    ],
    ['acked', (s) => s.counts.acked],
    ['lost', (s) => s.counts.lost],
    ['duplicates', (s) => s.counts.duplicates],
    ['errors', (s) => Object.values(s.counts.errors).reduce((a, b) => a + b, 0)],
    ['skipped (in-flight cap)', (s) => s.counts.skipped],
    ...(runs.some((r) => r.receipts) ? receiptRows() : []),
    ...serverRows(),
  ];
  const ratio = runs.length === 2;
  return {
    columns: ['metric', ...runs.map((r) => r.label), ...(ratio ? [`${runs[1].label}/${runs[0].label}`] : [])],
    rows: metrics.map(([name, f]) => {
      const values = runs.map(f);
      const r =
        ratio && typeof values[0] === 'number' && typeof values[1] === 'number' && values[0] !== 0
          ? [(values[1] / values[0]).toFixed(2)]
          : ratio
            ? ['']
            : [];
      return [name, ...values.map((v) => (typeof v === 'number' ? fmt(v) : v)), ...r];
    }),
  };
}

/** Receipts and typing, for the runs that had them ('-' for the others). */
function receiptRows(): [string, (s: LoadSummary) => number | string][] {
  const r =
    (f: (x: NonNullable<LoadSummary['receipts']>, s: LoadSummary) => number) =>
    (s: LoadSummary): number | string =>
      s.receipts ? f(s.receipts, s) : '-';
  return [
    ['reads acked/s', r((x) => x.readsAckedPerSec)],
    ['read->ack p50 ms', r((_, s) => s.latencyMs.readToAck.p50Ms)],
    ['read->ack p99 ms', r((_, s) => s.latencyMs.readToAck.p99Ms)],
    ['read->ack max ms', r((_, s) => s.latencyMs.readToAck.maxMs)],
    ['reads acked', r((x) => x.readsAcked)],
    ['read errors', r((x) => Object.values(x.readErrors).reduce((a, b) => a + b, 0))],
    ['receipt events received/s', r((x) => x.receiptEventsPerSec)],
    [
      'typing sent / received',
      (s) => (s.receipts ? `${s.receipts.typing.sent} / ${s.receipts.typing.received}` : '-'),
    ],
  ];
}

/**
 * An agent's window that a stalled loop cut to under half the measured window (both asks taken late, one
 * right after the other) says nothing about the window: the summary rows read n/a, the per-process table
 * shows its length.
 */
function usableWindow(w: RuntimeStats | undefined, durationS: number): RuntimeStats | undefined {
  return w && w.seconds >= durationS / 2 ? w : undefined;
}

function serverRows(): [string, (s: LoadSummary) => number | string][] {
  const kinds = (s: LoadSummary, kind: 'server' | 'generator') => s.processes.filter((p) => p.kind === kind);
  const worst = (s: LoadSummary) =>
    worstRuntime(kinds(s, 'server').map((p) => usableWindow(p.runtime?.window, s.durationS)));
  const rt =
    (f: (w: NonNullable<ReturnType<typeof worstRuntime>>) => number) =>
    (s: LoadSummary): number | string => {
      const w = worst(s);
      return w ? f(w) : 'n/a';
    };
  return [
    ['loop delay p99 ms (worst process)', rt((w) => w.loopP99Ms)],
    ['loop delay max ms (worst process)', rt((w) => w.loopMaxMs)],
    ['gc pauses (all servers)', rt((w) => w.gcCount)],
    ['gc pause total ms (all servers)', rt((w) => w.gcTotalMs)],
    ['gc pause max ms', rt((w) => w.gcMaxMs)],
    ['server cpu us per delivered msg', (s) => s.serverCpuUsPerDelivered ?? 'n/a'],
    [
      'server cpu s (measured)',
      (s) => round2(kinds(s, 'server').reduce((a, p) => a + p.cpuSecondsMeasured, 0)),
    ],
    [
      'server cpu % of a core',
      (s) => round2(kinds(s, 'server').reduce((a, p) => a + p.cpuPercentMeasured, 0)),
    ],
    [
      'server cpu us per acked msg',
      (s) =>
        Math.round(
          (kinds(s, 'server').reduce((a, p) => a + p.cpuSecondsMeasured, 0) * 1e6) /
            Math.max(s.ackedPerSec * s.durationS, 1),
        ),
    ],
    ['server peak rss MB', (s) => round2(kinds(s, 'server').reduce((a, p) => a + p.peakRssMB, 0))],
    [
      'generator cpu % of a core',
      (s) => round2(kinds(s, 'generator').reduce((a, p) => a + p.cpuPercentMeasured, 0)),
    ],
  ];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * One row per server process and run: CPU, CPU per delivered message, event-loop delay, GC pauses and loop
 * utilisation over the measured window, and the worst delay and GC time before it (set-up and warm-up).
 * "n/a" where the bench's agent does not run (a --url target).
 */
export function processTable(runs: LoadSummary[]): Table {
  const rows: (string | number)[][] = [];
  for (const r of runs) {
    for (const p of r.processes.filter((x) => x.kind === 'server')) {
      const w = p.runtime?.window;
      const b = p.runtime?.beforeWindow;
      const na = (v: number | undefined) => (v === undefined ? 'n/a' : fmt(v));
      rows.push([
        `${r.label} ${p.name}`,
        fmt(p.cpuPercentMeasured),
        p.cpuUsPerDelivered ?? 'n/a',
        na(w?.loopDelay.p50Ms),
        na(w?.loopDelay.p99Ms),
        na(w?.loopDelay.maxMs),
        w ? `${w.gc.count} / ${fmt(w.gc.totalMs)} / ${fmt(w.gc.maxMs)}` : 'n/a',
        na(w?.eventLoopUtilization),
        na(w?.seconds),
        p.mainThreadMeasured
          ? `${fmt(p.mainThreadMeasured.cpuSeconds)} / ${fmt(p.mainThreadMeasured.runQueueSeconds)}` +
            (w ? ` / ${fmt(blockedSeconds(w.eventLoopUtilization, r.durationS, p.mainThreadMeasured))}` : '')
          : 'n/a',
        b ? `${fmt(b.loopDelay.maxMs)} / ${fmt(b.gc.totalMs)} in ${fmt(b.seconds)} s` : 'n/a',
      ]);
    }
  }
  return {
    columns: [
      'run process',
      'cpu %',
      'cpu us/deliv',
      'loop p50 ms',
      'loop p99 ms',
      'loop max ms',
      'gc n / total / max ms',
      'loop util',
      // The agent's window runs from when its loop took the bench's first ask to when it took the second:
      // far from --duration means a stalled loop moved it.
      'agent window s',
      'main thread cpu / waited for a core / blocked (>=) s',
      'before window: loop max / gc ms',
    ],
    rows,
  };
}

/**
 * Each second of the measured window: deliveries of the messages sent in it, the slowest, how many took over
 * 50 ms, and the worst event-loop delay and the GC time of the server processes in that second (from their
 * agents' timelines, which tick on their own clocks: aligned to within a second). Shows whether the tail
 * sits at the start of the window (set-up, cold code) or all through it.
 */
export function secondsTable(runs: LoadSummary[]): Table {
  const rows: (string | number)[][] = [];
  for (const r of runs) {
    const timelines = r.processes.flatMap((p) => (p.runtime?.window ? [p.runtime.window.timeline] : []));
    r.perSecond.forEach((s, i) => {
      const ticks = timelines.flatMap((t) => t.filter((x) => x.t > i && x.t <= i + 1));
      rows.push([
        `${r.label} ${i}-${i + 1} s`,
        s.deliveries,
        fmt(s.maxMs),
        s.over50Ms,
        ticks.length ? fmt(Math.max(...ticks.map((x) => x.loopMaxMs))) : 'n/a',
        ticks.length ? fmt(ticks.reduce((a, x) => a + x.gcMs, 0)) : 'n/a',
      ]);
    });
  }
  return {
    columns: ['second sent', 'delivered', 'max ms', 'over 50 ms', 'server loop max ms', 'server gc ms'],
    rows,
  };
}

/**
 * One row per rate of a `--rate a,b,c` command (each rate on its own fresh server): the issue's table, with the
 * machine's load average when each rate started, the servers' worst loop delay, GC, CPU per delivered message
 * (and the relay's with --compare-baseline), and how long the servers' main threads waited for a core.
 */
export function ratesTable(
  perRate: { rate: number | 'max'; loadAverage: number[]; results: Record<string, unknown> }[],
): Table {
  const rows = perRate.map(({ rate, loadAverage, results }) => {
    const runs = (results.runs ?? []) as LoadSummary[];
    const run = runs[runs.length - 1];
    const base = runs.length === 2 ? runs[0] : undefined;
    if (!run) return [String(rate), fmt(loadAverage[0])];
    const servers = run.processes.filter((p) => p.kind === 'server');
    const w = worstRuntime(servers.map((p) => usableWindow(p.runtime?.window, run.durationS)));
    const l = run.latencyMs.sendToDeliver;
    const waited = servers.every((p) => p.mainThreadMeasured)
      ? fmt(servers.reduce((a, p) => a + p.mainThreadMeasured!.runQueueSeconds, 0))
      : 'n/a';
    const cpu = run.serverCpuUsPerDelivered;
    const relayCpu = base?.serverCpuUsPerDelivered;
    return [
      String(rate),
      fmt(loadAverage[0]),
      fmt(run.deliveredPerSec),
      `${fmt(l.p50Ms)} / ${fmt(l.p90Ms)} / ${fmt(l.p99Ms)} / ${fmt(l.maxMs)}`,
      run.counts.lost,
      Object.values(run.counts.errors).reduce((a, b) => a + b, 0),
      w ? `${fmt(w.loopP99Ms)} / ${fmt(w.loopMaxMs)}` : 'n/a',
      w ? `${w.gcCount} / ${fmt(w.gcTotalMs)} / ${fmt(w.gcMaxMs)}` : 'n/a',
      cpu ?? 'n/a',
      base ? `${relayCpu ?? 'n/a'}${cpu && relayCpu ? ` (x${(cpu / relayCpu).toFixed(2)})` : ''}` : '-',
      waited,
    ];
  });
  return {
    columns: [
      'rate',
      'load avg',
      'delivered/s',
      'send->deliver p50 / p90 / p99 / max ms',
      'lost',
      'errors',
      'loop p99 / max ms',
      'gc n / total / max ms',
      'cpu us/deliv',
      'relay cpu us/deliv',
      'main thread waited s',
    ],
    rows,
  };
}
