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
import type { ScenarioOutcome } from './scenarios/outcome';
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
  const runs = (results.runs ?? []) as { label: string; profiles?: ProfileSummary[] }[];
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
  const ctx = new BenchContext(opts, outFile.replace(/\.json$/, ''));
  const machine = machineInfo();
  ctx.log(`bench ${opts.scenario}: ${machine.cores} cores, load average ${machine.loadAverage.join(' ')}`);

  const outcome = await SCENARIO_RUNNERS[opts.scenario](ctx);
  ctx.sampler.stop();

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
  process.stdout.write(`\n${renderTable(outcome.table)}\n`);
  for (const t of outcome.tables ?? []) process.stdout.write(`\n${t.title}\n${renderTable(t.table)}\n`);
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
