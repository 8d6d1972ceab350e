import { Account, makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import { Conversation, LoadSummary, runLoad } from '../run-load';
import type { BenchTarget } from '../target';
import {
  Failure,
  loadFailures,
  loadTable,
  processTable,
  ScenarioOutcome,
  secondsTable,
  withTarget,
} from './outcome';

/** P pairs; each side of a pair sends to the other, so every socket both sends and receives. */
export async function pairs(
  ctx: BenchContext,
  target: BenchTarget,
  befriend = ctx.opts.fresh,
): Promise<Conversation[]> {
  const o = ctx.opts;
  const users = await makeAccounts(target, o.pairs * 2, o.registerConcurrency, (l) => ctx.log(l));
  if (befriend && target.needsAccounts)
    await befriendAll(
      ctx,
      Array.from({ length: o.pairs }, (_, i) => [users[2 * i], users[2 * i + 1]]),
    );
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

/** Each pair's first user asks, the second accepts: as people do it, over REST, `--register-concurrency` at a time. */
export async function befriendAll(ctx: BenchContext, friendships: [Account, Account][]): Promise<void> {
  const started = Date.now();
  let next = 0;
  const runner = async () => {
    while (next < friendships.length) {
      const [a, b] = friendships[next++];
      const request = await a.http!.requestFriend(b.userId);
      await b.http!.acceptFriend(request.id);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(ctx.opts.registerConcurrency, friendships.length) }, runner),
  );
  ctx.log(`befriended ${friendships.length} pairs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const runOn = (ctx: BenchContext, relay: boolean, label: string): Promise<LoadSummary> =>
  withTarget(ctx, relay, async (target) => runLoad(ctx, target, label, await pairs(ctx, target)));

/**
 * `dm` against the server (after `baseline` when --compare-baseline), or `baseline` alone: the same load
 * against the bench's bare Socket.IO relay. With --fresh the pairs are registered and befriended right before
 * the measured window, which then starts at the first message.
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
      /** The bar: at most 2. */
      serverCpuPerDelivered:
        dm.serverCpuUsPerDelivered !== null && base.serverCpuUsPerDelivered !== null
          ? ratio(dm.serverCpuUsPerDelivered, base.serverCpuUsPerDelivered)
          : null,
    };
  }
  const failures: Failure[] = runs.flatMap(loadFailures);
  return {
    results,
    table: loadTable(runs),
    tables: [
      { title: 'server processes, measured window', table: processTable(runs) },
      { title: 'send->deliver by second of the window', table: secondsTable(runs) },
    ],
    failures,
  };
}

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null);
