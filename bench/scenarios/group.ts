import { makeAccounts } from '../accounts';
import type { BenchContext } from '../bench-context';
import { Conversation, runLoad } from '../run-load';
import type { BenchTarget } from '../target';
import { loadFailures, loadTable, ScenarioOutcome, withTarget } from './outcome';

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

export async function groupScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const run = await withTarget(ctx, false, async (target) =>
    runLoad(ctx, target, 'group', await groups(ctx, target)),
  );
  const table = loadTable([run]);
  table.rows.splice(2, 0, ['deliveries per message', ctx.opts.members - 1]);
  return {
    results: { runs: [run], membersPerGroup: ctx.opts.members, groups: ctx.opts.groups },
    table,
    failures: loadFailures(run),
  };
}
