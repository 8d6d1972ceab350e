import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, type as osType, release } from 'node:os';
import { dirname } from 'node:path';
import type { Failure, Table } from './scenarios/outcome';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGB: number;
  freeMemoryGB: number;
  node: string;
  os: string;
  /** 1/5/15-minute load averages (as `uptime` prints them), so a figure can be read against other load. */
  loadAverage: number[];
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cores: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryGB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    os: `${osType()} ${release()}`,
    loadAverage: loadavg().map((l) => round(l)),
  };
}

/** The command as typed (`npm run bench -- ...`) and as run, shell-quoted where needed. */
export function commandLine(argv: string[]): { npm: string; node: string } {
  const quoted = argv.map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  return { npm: `npm run bench -- ${quoted}`, node: `node dist/bench/main.js ${quoted}` };
}

export function writeJson(file: string, data: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

export function renderTable(t: Table): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map(String))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export function renderFailures(failures: Failure[]): string {
  return failures.map((f) => `FAIL (${f.kind}): ${f.message}`).join('\n');
}
