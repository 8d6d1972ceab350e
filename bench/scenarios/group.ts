import { makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import { Conversation, LoadExtras, LoadSummary, runLoad } from '../run-load';
import type { BenchTarget } from '../target';
import { loadFailures, loadTable, processTable, ScenarioOutcome, withTarget } from './outcome';

/** G groups of M members; every member sends (round-robin) and every other member must receive. */
async function groups(ctx: BenchContext, target: BenchTarget): Promise<Conversation[]> {
  const o = ctx.opts;
  const users = await makeAccounts(target, o.groups * o.members, o.registerConcurrency, (l) => ctx.log(l));
  const out: Conversation[] = [];
  for (let g = 0; g < o.groups; g++) {
    const members = users.slice(g * o.members, (g + 1) * o.members);
    const group = await members[0].http!.createGroup({
      name: `bench group ${g}`,
      memberIds: members.slice(1).map((m) => m.userId),
    });
    const all = members.map((_, i) => i);
    out.push({
      members,
      senders: all.map((i) => ({ member: i, channelId: group.id, recipients: all.filter((j) => j !== i) })),
    });
  }
  return out;
}

/** A client that shows typing sends it at most this often (DESIGN.md section 6b). */
const TYPING_EVERY_MS = 2000;

const runOn = (ctx: BenchContext, label: string, extras?: LoadExtras): Promise<LoadSummary> =>
  withTarget(ctx, false, async (target) => runLoad(ctx, target, label, await groups(ctx, target), extras));

/**
 * `group`, and with --receipts the same load again on a fresh server with every recipient reading every
 * message it gets (each read is a receipt to every member's devices) and senders typing: the two side by side.
 */
export async function groupScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const runs = [await runOn(ctx, 'group')];
  if (ctx.opts.receipts)
    runs.push(await runOn(ctx, 'group+receipts', { receipts: true, typingEveryMs: TYPING_EVERY_MS }));
  const table = loadTable(runs);
  table.rows.splice(2, 0, ['deliveries per message', ...runs.map(() => ctx.opts.members - 1)]);
  return {
    results: { runs, membersPerGroup: ctx.opts.members, groups: ctx.opts.groups },
    table,
    tables: [{ title: 'server processes, measured window', table: processTable(runs) }],
    failures: runs.flatMap(loadFailures),
  };
}
