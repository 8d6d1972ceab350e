import { parseArgs } from 'node:util';

export const SCENARIOS = [
  'dm',
  'baseline',
  'mixed',
  'idle',
  'sync',
  'group',
  'conversations',
  'reads',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchOptions {
  scenario: Scenario;
  /** Target: a running deployment (REST base), its chat nodes, or neither (the bench starts one). */
  url?: string;
  chatUrls: string[];
  cluster: boolean;
  serverEnv: Record<string, string>;
  serverNodeArgs: string[];
  serverPids: number[];
  profile: boolean;
  keepData: boolean;
  workers: number;
  pairs: number;
  rate: number | 'max';
  /** `--rate 1000,3000,...`: the scenario once per rate, each on a fresh server, then a table of the rates. */
  rates: (number | 'max')[];
  window: number;
  durationS: number;
  warmupS: number;
  drainS: number;
  contentSize: number;
  ackTimeoutS: number;
  maxInflight: number;
  compareBaseline: boolean;
  connections: number;
  devicesPerUser: number;
  connectConcurrency: number;
  heartbeatMs: number;
  messages: number;
  changes: number;
  pageSize: number;
  rounds: number;
  groups: number;
  members: number;
  registerConcurrency: number;
  /** group: a second run in which recipients `read` every delivered message and senders emit `typing`. */
  receipts: boolean;
  conversations: number;
  dmPeers: number;
  unread: number;
  samples: number;
  /** dm/mixed: register and befriend the pairs just before the measured window, no warm-up by default. */
  fresh: boolean;
  /** mixed: logins per second (each followed by a token refresh). */
  logins: number;
  /** mixed: socket connects per second (each disconnected again after `churnHoldS`). */
  churn: number;
  churnHoldS: number;
  /** mixed: friendships made per second (a request and its accept). */
  friendships: number;
  /** mixed: users that log in, connect, disconnect and befriend (registered in the set-up). */
  churnUsers: number;
  out?: string;
  allowLoss: boolean;
  allowErrors: boolean;
}

export const USAGE = `Usage: npm run bench -- <scenario> [options]

Scenarios
  dm         P pairs send to each other at a fixed total rate R (or --rate max) for T seconds
  baseline   the dm load against a bare Socket.IO relay (no auth, no persistence) the bench starts
  mixed      the dm load while, at the same time, users log in and refresh their tokens (--logins/s),
             sockets connect and disconnect (--churn/s, presence transitions to online friends) and users
             befriend each other (--friendships/s); each of those timed too
  idle       C authenticated connections held for T seconds: connect rate, server RSS per connection
  sync       a device is offline while N messages are sent to it, then reconnects and drains them
  group      G groups of M members, all online, a fixed total rate of group messages
             (with --receipts: the same run again with read receipts and typing on, side by side)
  conversations  GET /api/channels for a user with N conversations, then unread counts and reads in a
             channel with M unread messages
  reads      P pairs of users walk their read markers forward through their DMs' messages over the socket

Target (default: the bench starts the embedded server, ROLES=all, in a temp DATA_DIR)
  --url <http://host:port>      a running deployment instead (REST and, unless --chat-url, sockets)
  --chat-url <url>              a chat node of that deployment (repeat for several; sockets spread over them)
  --server-pid <pid>            sample CPU/RSS of a local server process when using --url (repeatable)
  --cluster                     api + 2 chat + presence + worker processes on the stores given with
                                --server-env (DATABASE_URL, REDIS_URL, JWT_SECRET[, CASSANDRA_CONTACT_POINTS])
  --server-env KEY=VAL          extra env for the started server (repeatable), e.g. DATABASE_URL=...
  --server-node-args "<args>"   node flags for the started server, e.g. "--max-old-space-size=512"
  --profile                     CPU-profile the server over the measured window (conversations: over the
                                list timings before the unread messages); prints top self time
  --keep-data                   keep the temp DATA_DIR

Load
  --workers N          load-generator processes (default 2)
  --pairs P            dm/baseline pairs (default 50)
  --rate R|max         total messages/s (dm default 1000, group 10); max = closed loop, --window per sender;
                       several (--rate 1000,3000,6000,10000): one run per rate, each on a fresh server,
                       then one table of the rates
  --window W           messages in flight per sender with --rate max; reads: reads in flight per user
                       (default 8)
  --duration T         measured seconds (default 10; idle 30)
  --warmup S           seconds of load before measuring (default 1; sync/idle 0)
  --drain S            seconds to wait for late acks and deliveries (default 5)
  --content-size N     message content in characters (default 100)
  --ack-timeout S      seconds before a send counts as unanswered (default 10)
  --max-inflight N     per worker, fixed-rate sends awaiting an ack before sends are skipped (default 20000)
  --compare-baseline   dm: run baseline first in the same command and report ratios (incl. server CPU per
                       delivered message, the issue's bar: at most 2x the relay's)
  --fresh              dm/mixed: register the pairs' users and befriend each pair just before the measured
                       window, and measure from the first message (warm-up 0 unless --warmup); mixed always
                       befriends its pairs. The issue's table, a fresh server per rate: npm run bench -- dm
                       --fresh --compare-baseline --rate 1000,3000,6000,10000 --pairs 100 --duration 10
  --logins N           mixed: logins per second, each followed by a token refresh (default 20)
  --churn N            mixed: socket connects per second, each disconnected after --churn-hold (default 50)
  --churn-hold S       mixed: seconds a churning socket stays connected (default 1)
  --friendships N      mixed: friend requests made and accepted per second (default 5)
  --churn-users K      mixed: users registered for the logins, churn and friendships (default 100; each is
                       befriended with a pair's user, so its connects and disconnects reach an online friend)
  --connections C      idle: connections (default 1000)
  --devices-per-user D idle: sockets per registered user (default 1)
  --connect-concurrency N  handshakes in flight per worker (default 50)
  --heartbeat-ms N     presence:heartbeat per socket (default 10000; 0 = off)
  --messages N         sync: messages sent while offline (default 10000); reads: messages each user of a
                       pair sends the other before the walk (default 1000)
  --changes N          sync: then N edits, reactions and deletes of those messages (default 0)
  --page-size N        sync: page size (default 500, the contract's maximum)
  --rounds N           sync: offline/drain rounds (default 1)
  --groups G           group: groups (default 1)
  --members M          group: members per group incl. owner (default 100)
  --register-concurrency N  parallel registrations (default 8)
  --receipts           group: run without, then with receipts (every recipient reads every delivered
                       message) and typing (each sender at most every 2 s), and compare
  --conversations N    conversations: the user's conversations, groups plus --dm-peers DMs (default 5000)
  --dm-peers K         conversations: how many of them are DMs from registered peers (default 20)
  --unread M           conversations: messages sent into one DM and left unread (default 100000; 0 = skip)
  --samples S          conversations: timed requests per measurement (default 200)

Output
  --out <file.json>    default bench-results/<scenario>-<timestamp>.json
  --allow-loss         exit 0 even with lost or duplicate messages
  --allow-errors       exit 0 even with send errors or failed connections
`;

export class UsageError extends Error {}

function num(name: string, raw: string | undefined, def: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}
const int = (name: string, raw: string | undefined, def: number, min: number, max?: number) => {
  const n = num(name, raw, def, min, max);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number`);
  return n;
};

function keyValues(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--server-env takes KEY=VALUE, got "${kv}"`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

const STRING_OPTIONS = [
  'url',
  'workers',
  'pairs',
  'rate',
  'window',
  'duration',
  'warmup',
  'drain',
  'content-size',
  'ack-timeout',
  'max-inflight',
  'connections',
  'devices-per-user',
  'connect-concurrency',
  'heartbeat-ms',
  'messages',
  'changes',
  'page-size',
  'rounds',
  'groups',
  'members',
  'register-concurrency',
  'conversations',
  'dm-peers',
  'unread',
  'samples',
  'logins',
  'churn',
  'churn-hold',
  'friendships',
  'churn-users',
  'out',
  'server-node-args',
] as const;
const MULTI_OPTIONS = ['chat-url', 'server-env', 'server-pid'] as const;
const FLAGS = [
  'cluster',
  'profile',
  'keep-data',
  'compare-baseline',
  'allow-loss',
  'allow-errors',
  'receipts',
  'fresh',
  'help',
] as const;

/**
 * `--server-node-args` takes node flags, which start with a dash; parseArgs refuses such a value after a
 * space as ambiguous, so `--server-node-args "--max-old-space-size=512"` (as the usage shows) is joined into
 * the `=` form first.
 */
function joinNodeArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--server-node-args' && i + 1 < argv.length) out.push(`--server-node-args=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values: v, positionals } = parseArgs({
    args: joinNodeArgs(argv),
    allowPositionals: true,
    strict: true,
    options: {
      ...Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: 'string' as const }])),
      ...Object.fromEntries(MULTI_OPTIONS.map((o) => [o, { type: 'string' as const, multiple: true }])),
      ...Object.fromEntries(FLAGS.map((o) => [o, { type: 'boolean' as const }])),
    },
  });
  const s = v as Record<string, string | undefined>;
  const m = v as Record<string, string[] | undefined>;
  const f = v as Record<string, boolean | undefined>;
  if (f.help) return 'help';
  const scenario = positionals[0] as Scenario | undefined;
  if (!scenario || !SCENARIOS.includes(scenario)) {
    throw new UsageError(`give a scenario: ${SCENARIOS.join(', ')}`);
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const light = scenario === 'idle' || scenario === 'sync' || scenario === 'conversations';
  const rates = (s.rate === undefined ? [undefined] : s.rate.split(',')).map((raw) =>
    raw === 'max' ? ('max' as const) : num('rate', raw, scenario === 'group' ? 10 : 1000, 0.1, 10_000_000),
  );
  const rate = rates[0];
  if (rates.length > 1 && scenario !== 'dm' && scenario !== 'mixed' && scenario !== 'group')
    throw new UsageError('several --rate values are for dm, mixed and group');
  const url = s.url?.replace(/\/+$/, '');
  if (url !== undefined && !/^https?:\/\//.test(url))
    throw new UsageError('--url must start with http:// or https://');
  if (url === undefined && (m['chat-url']?.length ?? 0) > 0) throw new UsageError('--chat-url needs --url');
  if (f.cluster && url) throw new UsageError('--cluster and --url exclude each other');
  if (f.receipts && scenario !== 'group') throw new UsageError('--receipts is a group option');
  const dmLike = scenario === 'dm' || scenario === 'mixed';
  if (f.fresh && !dmLike) throw new UsageError('--fresh is a dm and mixed option');
  for (const o of ['logins', 'churn', 'churn-hold', 'friendships', 'churn-users'])
    if (s[o] !== undefined && scenario !== 'mixed') throw new UsageError(`--${o} is a mixed option`);
  const conversations = int('conversations', s.conversations, 5000, 1, 1_000_000);
  const dmPeers = int('dm-peers', s['dm-peers'], Math.min(20, conversations), 0, 10_000);
  if (dmPeers > conversations) throw new UsageError('--dm-peers must not exceed --conversations');
  return {
    scenario,
    url,
    chatUrls: (m['chat-url'] ?? []).map((u) => u.replace(/\/+$/, '')),
    cluster: f.cluster ?? false,
    serverEnv: keyValues(m['server-env']),
    serverNodeArgs: (s['server-node-args'] ?? '').split(/\s+/).filter(Boolean),
    serverPids: (m['server-pid'] ?? []).map((p) => int('server-pid', p, 0, 1)),
    profile: f.profile ?? false,
    keepData: f['keep-data'] ?? false,
    workers: int('workers', s.workers, 2, 1, 64),
    pairs: int('pairs', s.pairs, 50, 1, 100_000),
    rate,
    rates,
    window: int('window', s.window, 8, 1, 1000),
    durationS: num('duration', s.duration, scenario === 'idle' ? 30 : 10, 0.1, 3600),
    warmupS: num('warmup', s.warmup, light || f.fresh ? 0 : 1, 0, 3600),
    drainS: num('drain', s.drain, 5, 0, 600),
    contentSize: int('content-size', s['content-size'], 100, 1, 100_000),
    ackTimeoutS: num('ack-timeout', s['ack-timeout'], 10, 0.1, 600),
    maxInflight: int('max-inflight', s['max-inflight'], 20_000, 1),
    compareBaseline: f['compare-baseline'] ?? false,
    connections: int('connections', s.connections, 1000, 1, 1_000_000),
    devicesPerUser: int('devices-per-user', s['devices-per-user'], 1, 1, 1000),
    connectConcurrency: int('connect-concurrency', s['connect-concurrency'], 50, 1, 10_000),
    heartbeatMs: int('heartbeat-ms', s['heartbeat-ms'], 10_000, 0),
    messages: int('messages', s.messages, scenario === 'reads' ? 1000 : 10_000, 1, 10_000_000),
    changes: int('changes', s.changes, 0, 0, 10_000_000),
    pageSize: int('page-size', s['page-size'], 500, 1, 500),
    rounds: int('rounds', s.rounds, 1, 1, 100),
    groups: int('groups', s.groups, 1, 1, 10_000),
    members: int('members', s.members, 100, 2, 100),
    registerConcurrency: int('register-concurrency', s['register-concurrency'], 8, 1, 1000),
    receipts: f.receipts ?? false,
    conversations,
    dmPeers,
    unread: int('unread', s.unread, 100_000, 0, 10_000_000),
    samples: int('samples', s.samples, 200, 1, 100_000),
    fresh: f.fresh ?? false,
    logins: num('logins', s.logins, 20, 0, 10_000),
    churn: num('churn', s.churn, 50, 0, 10_000),
    churnHoldS: num('churn-hold', s['churn-hold'], 1, 0, 3600),
    friendships: num('friendships', s.friendships, 5, 0, 10_000),
    churnUsers: int('churn-users', s['churn-users'], 100, 2, 100_000),
    out: s.out,
    allowLoss: f['allow-loss'] ?? false,
    allowErrors: f['allow-errors'] ?? false,
  };
}
