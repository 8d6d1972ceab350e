import { makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import { Conversation, LoadSummary, runLoad } from '../run-load';
import type { BenchTarget } from '../target';
import { Failure, loadFailures, loadTable, ScenarioOutcome, withTarget } from './outcome';

/** P pairs; each side of a pair sends to the other, so every socket both sends and receives. */
async function pairs(ctx: BenchContext, target: BenchTarget): Promise<Conversation[]> {
  const o = ctx.opts;
  const users = await makeAccounts(target, o.pairs * 2, o.registerConcurrency, (l) => ctx.log(l));
  return Array.from({ length: o.pairs }, (_, i) => {
    const [a, b] = [users[2 * i], users[2 * i + 1]];
    return {
      members: [a, b],
      senders: [
        { member: 0, to: b.userId, recipients: [1] },
        { member: 1, to: a.userId, recipients: [0] },
      ],
    };
  });
}

const runOn = (ctx: BenchContext, relay: boolean, label: string): Promise<LoadSummary> =>
  withTarget(ctx, relay, async (target) => runLoad(ctx, target, label, await pairs(ctx, target)));

/**
 * `dm` against the server (after `baseline` when --compare-baseline), or `baseline` alone: the same load
 * against the bench's bare Socket.IO relay.
 */
export async function dmScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const runs: LoadSummary[] = [];
  if (ctx.opts.scenario === 'baseline' || ctx.opts.compareBaseline)
    runs.push(await runOn(ctx, true, 'baseline'));
  if (ctx.opts.scenario === 'dm') runs.push(await runOn(ctx, false, 'dm'));
  const results: Record<string, unknown> = { runs };
  if (runs.length === 2) {
    const [base, dm] = runs;
    results.ratios = {
      deliveredPerSec: ratio(dm.deliveredPerSec, base.deliveredPerSec),
      sendToDeliverP99: ratio(dm.latencyMs.sendToDeliver.p99Ms, base.latencyMs.sendToDeliver.p99Ms),
      sendToAckP99: ratio(dm.latencyMs.sendToAck.p99Ms, base.latencyMs.sendToAck.p99Ms),
    };
  }
  const failures: Failure[] = runs.flatMap(loadFailures);
  return { results, table: loadTable(runs), failures };
}

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null);
