import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BENCH = join(__dirname, '..', '..', 'dist-bench', 'bench', 'main.js');

interface BenchRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built bench as CI would (`node dist-bench/bench/main.js ...`). */
function bench(args: string[], timeoutMs = 60_000): Promise<BenchRun> {
  const proc = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Runs the bench with `--out <dir>/<name>.json`; fails the test unless it exits 0; answers stdout and the JSON. */
async function benchOk<T>(
  dir: string,
  name: string,
  args: string[],
): Promise<{ stdout: string; results: T }> {
  const out = join(dir, `${name}.json`);
  const run = await bench([...args, '--out', out]);
  if (run.code !== 0) throw new Error(`bench exited ${run.code}\n${run.stdout}\n${run.stderr}`);
  return { stdout: run.stdout, results: JSON.parse(readFileSync(out, 'utf8')) as T };
}

interface DmResults {
  exitCode: number;
  runs: {
    label: string;
    connections: number;
    deliveredPerSec: number;
    counts: { acked: number; deliveries: number; lost: number; duplicates: number; misdelivered: number };
    latencyMs: { sendToDeliver: { count: number; p99Ms: number } };
    processes: { name: string; kind: string; peakRssMB: number }[];
  }[];
}

describe('bench smoke (dm against the embedded server the bench starts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers every acked message exactly once and exits 0', async () => {
    const out = join(dir, 'dm.json');
    const run = await bench([
      'dm',
      ...['--pairs', '5', '--rate', '50', '--duration', '3', '--warmup', '0', '--drain', '2'],
      ...['--workers', '1', '--out', out],
    ]);
    if (run.code !== 0) throw new Error(`bench exited ${run.code}\n${run.stdout}\n${run.stderr}`);

    const results = JSON.parse(readFileSync(out, 'utf8')) as DmResults;
    expect(results.exitCode).toBe(0);
    const [dm] = results.runs;
    expect(dm.label).toBe('dm');
    expect(dm.connections).toBe(10);
    expect(dm.counts.lost).toBe(0);
    expect(dm.counts.duplicates).toBe(0);
    expect(dm.counts.misdelivered).toBe(0);
    // 50 msg/s for 3 s; every acked message reached its one recipient.
    expect(dm.counts.acked).toBeGreaterThanOrEqual(140);
    expect(dm.counts.deliveries).toBe(dm.counts.acked);
    expect(dm.latencyMs.sendToDeliver.count).toBeGreaterThan(0);
    expect(dm.processes.find((p) => p.kind === 'server')?.peakRssMB).toBeGreaterThan(0);
    expect(run.stdout).toContain('delivered msg/s');
  }, 90_000);

  it('conversations: every list page and unread count it times is the right one, and it exits 0', async () => {
    const run = await benchOk<{ measurements: { what: string; count: number; check: string }[] }>(
      dir,
      'conversations',
      [
        'conversations',
        ...['--conversations', '120', '--dm-peers', '3', '--unread', '2100', '--samples', '5'],
      ],
    );
    const results = run.results;
    const checked = results.measurements.filter((m) => m.check);
    // First pages and a walk before and after the unread flood; capped, exact and zero counts after reads.
    expect(checked.length).toBe(10);
    for (const m of checked) expect(m.check).toMatch(/^ok: /);
    expect(run.stdout).toContain('read in the middle (recount stops at 1000)');
  }, 120_000);

  it('group --receipts: the same load without and with receipts, every delivered message read', async () => {
    const run = await benchOk<{
      runs: {
        label: string;
        counts: { acked: number; deliveries: number; lost: number };
        receipts?: { readsAcked: number; readErrors: Record<string, number>; typing: { sent: number } };
      }[];
    }>(dir, 'group', [
      ...['group', '--receipts', '--members', '4', '--rate', '20', '--duration', '2', '--warmup', '0'],
      ...['--drain', '2', '--workers', '1'],
    ]);
    const results = run.results;
    const [plain, receipts] = results.runs;
    expect([plain.label, receipts.label]).toEqual(['group', 'group+receipts']);
    expect(plain.receipts).toBeUndefined();
    expect(receipts.counts.lost).toBe(0);
    expect(receipts.receipts?.readsAcked).toBe(receipts.counts.deliveries);
    expect(receipts.receipts?.readErrors).toEqual({});
    expect(receipts.receipts?.typing.sent).toBeGreaterThan(0);
    expect(run.stdout).toContain('reads acked/s');
  }, 120_000);

  it("dm --fresh with the relay: each server's loop delay and GC over the window, CPU per delivered message", async () => {
    interface Runtime {
      loopDelay: { samples: number; maxMs: number };
      gc: { count: number; totalMs: number };
      timeline: unknown[];
    }
    const run = await benchOk<{
      runs: {
        label: string;
        counts: { lost: number };
        serverCpuUsPerDelivered: number | null;
        perSecond: { deliveries: number }[];
        processes: { kind: string; runtime?: { beforeWindow?: Runtime; window?: Runtime } }[];
      }[];
      ratios: { serverCpuPerDelivered: number | null };
    }>(dir, 'fresh', [
      ...['dm', '--fresh', '--compare-baseline', '--pairs', '3', '--rate', '30', '--duration', '2'],
      ...['--drain', '2', '--workers', '1'],
    ]);
    const { runs, ratios } = run.results;
    expect(runs.map((r) => r.label)).toEqual(['baseline', 'dm']);
    for (const r of runs) {
      expect(r.counts.lost).toBe(0);
      expect(r.perSecond.reduce((a, s) => a + s.deliveries, 0)).toBeGreaterThan(0);
      const server = r.processes.find((p) => p.kind === 'server');
      // The agent's 10 ms timer fired in the window; the set-up before it is reported apart.
      expect(server?.runtime?.window?.loopDelay.samples).toBeGreaterThan(0);
      expect(server?.runtime?.window?.gc.count).toBeGreaterThanOrEqual(0);
      expect(server?.runtime?.beforeWindow?.loopDelay.samples).toBeGreaterThan(0);
    }
    expect(ratios.serverCpuPerDelivered).not.toBeUndefined();
    expect(run.stdout).toContain('loop delay max ms (worst process)');
    expect(run.stdout).toContain('server cpu us per delivered msg');
  }, 120_000);

  it('mixed: logins, refreshes, connects and friendships beside the dm load, every one answered', async () => {
    const run = await benchOk<{
      runs: { counts: { lost: number; acked: number } }[];
      churn: { ops: Record<string, { started: number; ok: number; errors: Record<string, number> }> };
    }>(dir, 'mixed', [
      ...['mixed', '--pairs', '3', '--rate', '30', '--duration', '2', '--warmup', '0', '--drain', '2'],
      ...['--workers', '1', '--churn-users', '6', '--logins', '2', '--churn', '4', '--friendships', '2'],
    ]);
    const { runs, churn } = run.results;
    expect(runs[0].counts.lost).toBe(0);
    expect(runs[0].counts.acked).toBeGreaterThan(0);
    for (const op of ['login', 'refresh', 'connect', 'friend']) {
      expect(churn.ops[op].started).toBeGreaterThan(0);
      expect(churn.ops[op]).toMatchObject({ ok: churn.ops[op].started, errors: {} });
    }
    expect(run.stdout).toContain('beside the load');
  }, 120_000);

  it('refuses an unknown scenario with a usage error', async () => {
    const run = await bench(['nope']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('give a scenario');
  });
});
