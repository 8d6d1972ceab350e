import { makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import { CHURN_OPS, ChurnDriver, ChurnSummary } from '../churn';
import { LoadSummary, runLoad } from '../run-load';
import { UsageError } from '../options';
import { befriendAll, pairs } from './dm';
import {
  loadFailures,
  loadTable,
  processTable,
  ScenarioOutcome,
  secondsTable,
  Table,
  withTarget,
} from './outcome';

/**
 * `mixed`: the dm load at --rate while, from its first message, users log in and refresh their tokens, sockets
 * connect and disconnect (each churn user is a friend of a pair's user, so every transition is fanned out to an
 * online socket) and churn users befriend each other. The churn users are registered (and each befriended with
 * a pair's user) in the set-up, after the pairs.
 */
export async function mixedScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.opts;
  let churn: ChurnSummary | undefined;
  const run: LoadSummary = await withTarget(ctx, false, async (target) => {
    if (!target.needsAccounts) throw new UsageError('mixed needs a chat server, not the relay');
    const conversations = await pairs(ctx, target, true);
    const users = await makeAccounts(target, o.churnUsers, o.registerConcurrency, (l) => ctx.log(l));
    const pairUsers = conversations.flatMap((c) => c.members);
    await befriendAll(
      ctx,
      users.map((u, i) => [u, pairUsers[i % pairUsers.length]]),
    );
    const driver = new ChurnDriver(
      target.apiUrl,
      target.chatUrls,
      users,
      { logins: o.logins, churn: o.churn, friendships: o.friendships },
      o.churnHoldS,
      o.ackTimeoutS * 1000,
    );
    ctx.log(
      `mixed: beside the load ${o.logins} logins/s (+ refresh), ${o.churn} connects/s held ${o.churnHoldS} s, ` +
        `${o.friendships} friendships/s among ${users.length} users`,
    );
    return runLoad(ctx, target, 'mixed', conversations, undefined, async () => {
      churn = await driver.run(o.warmupS * 1000, o.durationS * 1000);
    });
  });
  const table = loadTable([run]);
  const failures = loadFailures(run);
  const churnErrors = CHURN_OPS.flatMap((op) =>
    Object.entries(churn?.ops[op].errors ?? {}).map(([code, n]) => `${op} ${code}=${n}`),
  );
  if (churnErrors.length) failures.push({ kind: 'errors', message: `mixed: ${churnErrors.join(' ')}` });
  return {
    results: { runs: [run], churn },
    table,
    tables: [
      { title: 'beside the load (operations started in the measured window)', table: churnTable(churn) },
      { title: 'server processes, measured window', table: processTable([run]) },
      { title: 'send->deliver by second of the window', table: secondsTable([run]) },
    ],
    failures,
  };
}

function churnTable(churn: ChurnSummary | undefined): Table {
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));
  return {
    columns: ['operation', 'started', 'ok', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    rows: CHURN_OPS.map((op) => {
      const s = churn?.ops[op];
      if (!s) return [op, '-', '-', '-', '-', '-', '-', '-'];
      const l = s.latency;
      const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
      return [op, s.started, s.ok, errors, fmt(l.p50Ms), fmt(l.p90Ms), fmt(l.p99Ms), fmt(l.maxMs)];
    }),
  };
}
