/**
 * `npm run bench -- <scenario> [options]`: load scenarios against the chat server (started here, or a running
 * deployment), a table on stdout, a JSON file in bench-results/. Exits 1 on lost or duplicate messages (unless
 * --allow-loss), 2 on failed sends or connections (unless --allow-errors), 64 on a usage error, 3 on a crash.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BenchContext } from './bench-context';
import { BenchOptions, parseOptions, Scenario, USAGE, UsageError } from './options';
import type { ProfileSummary } from './profile-summary';
import { commandLine, machineInfo, renderFailures, renderTable, writeJson } from './report';
import { conversationsScenario } from './scenarios/conversations';
import { dmScenario } from './scenarios/dm';
import { groupScenario } from './scenarios/group';
import { idleScenario } from './scenarios/idle';
import { mixedScenario } from './scenarios/mixed';
import { ratesTable, ScenarioOutcome } from './scenarios/outcome';
import { readsScenario } from './scenarios/reads';
import { syncScenario } from './scenarios/sync';
import { stopAllTargets } from './target';
import { REPO_ROOT } from './paths';

const SCENARIO_RUNNERS: Record<Scenario, (ctx: BenchContext) => Promise<ScenarioOutcome>> = {
  dm: dmScenario,
  baseline: dmScenario,
  mixed: mixedScenario,
  idle: idleScenario,
  sync: syncScenario,
  group: groupScenario,
  conversations: conversationsScenario,
  reads: readsScenario,
};

function parse(argv: string[]): BenchOptions {
  try {
    const parsed = parseOptions(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    return parsed;
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e)) {
      process.stderr.write(`${USAGE}\nerror: ${e.message}\n`);
      process.exit(64);
    }
    throw e;
  }
}

function profileText(results: Record<string, unknown>): string {
  type Run = { label: string; profiles?: ProfileSummary[] };
  const runs = (results.runs ??
    ((results.rates ?? []) as { runs?: Run[] }[]).flatMap((r) => r.runs ?? [])) as Run[];
  const out: string[] = [];
  for (const run of runs) {
    for (const p of run.profiles ?? []) {
      out.push(`\nCPU profile (${run.label}, ${p.totalMs} ms sampled): ${p.file}`);
      out.push('  by area:');
      for (const a of p.byArea.slice(0, 12)) out.push(`    ${a.percent.toFixed(1).padStart(5)}%  ${a.name}`);
      out.push('  top self time:');
      for (const f of p.topFunctions.slice(0, 20))
        out.push(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
    }
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const opts = parse(argv);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\..+$/, '');
  const outFile = opts.out ?? join(REPO_ROOT, 'bench-results', `${opts.scenario}-${stamp}.json`);
  // The server writes its profile next to the report, so the folder must exist before the run.
  mkdirSync(dirname(outFile), { recursive: true });
  const machine = machineInfo();
  process.stderr.write(
    `bench ${opts.scenario}: ${machine.cores} cores, load average ${machine.loadAverage.join(' ')}\n`,
  );

  const perRate: { rate: number | 'max'; loadAverage: number[]; outcome: ScenarioOutcome }[] = [];
  for (const rate of opts.rates) {
    const base = outFile.replace(/\.json$/, '') + (opts.rates.length > 1 ? `.rate-${rate}` : '');
    const ctx = new BenchContext({ ...opts, rate }, base);
    const loadAverage = machineInfo().loadAverage;
    if (opts.rates.length > 1) ctx.log(`--- rate ${rate}, load average ${loadAverage.join(' ')}`);
    try {
      perRate.push({ rate, loadAverage, outcome: await SCENARIO_RUNNERS[opts.scenario](ctx) });
    } finally {
      ctx.sampler.stop();
    }
  }
  const outcome: ScenarioOutcome =
    perRate.length === 1
      ? perRate[0].outcome
      : {
          results: {
            rates: perRate.map((r) => ({ rate: r.rate, loadAverage: r.loadAverage, ...r.outcome.results })),
          },
          table: ratesTable(perRate.map((r) => ({ rate: r.rate, loadAverage: r.loadAverage, ...r.outcome }))),
          tables: perRate.flatMap((r) => [
            { title: `--- rate ${r.rate}`, table: r.outcome.table },
            ...(r.outcome.tables ?? []).map((t) => ({ ...t, title: `rate ${r.rate}: ${t.title}` })),
          ]),
          failures: perRate.flatMap((r) =>
            r.outcome.failures.map((f) => ({ ...f, message: `rate ${r.rate}: ${f.message}` })),
          ),
        };

  const loss = outcome.failures.some((f) => f.kind === 'loss');
  const errors = outcome.failures.some((f) => f.kind === 'errors');
  const code = loss && !opts.allowLoss ? 1 : errors && !opts.allowErrors ? 2 : 0;
  writeJson(outFile, {
    scenario: opts.scenario,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: commandLine(argv),
    options: opts,
    machine: { ...machine, loadAverageEnd: machineInfo().loadAverage },
    ...outcome.results,
    failures: outcome.failures,
    exitCode: code,
  });
  // Several rates: each rate's tables first, the table of the rates last, where it is read.
  const tables = [{ title: '', table: outcome.table }, ...(outcome.tables ?? [])];
  if (perRate.length > 1) tables.push(tables.shift()!);
  for (const t of tables) process.stdout.write(`\n${t.title ? `${t.title}\n` : ''}${renderTable(t.table)}\n`);
  const profiles = profileText(outcome.results);
  if (profiles) process.stdout.write(`${profiles}\n`);
  if (outcome.failures.length) process.stdout.write(`\n${renderFailures(outcome.failures)}\n`);
  process.stdout.write(`\nresults: ${outFile}\n`);
  return code;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers the bench started\n`);
    void stopAllTargets().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(64);
    }
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    void stopAllTargets().finally(() => process.exit(3));
  },
);
