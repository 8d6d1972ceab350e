import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, startChildServer } from './child-server';
import { SERVER_MAIN } from './paths';
import { BenchOptions, UsageError } from './options';

const RELAY_MAIN = join(__dirname, 'relay-server.js');
const AGENT = join(__dirname, 'server-agent.js');

/** What a scenario drives: where REST and sockets go, and the processes whose CPU and memory are sampled. */
export interface BenchTarget {
  kind: 'embedded' | 'relay' | 'url' | 'cluster';
  /** REST base URL (registration, groups); the relay has none. */
  apiUrl: string;
  /** Chat nodes; socket j of a conversation goes to chatUrls[j % n], so with two nodes a pair crosses nodes. */
  chatUrls: string[];
  /** Processes this bench started (profiled with --profile). */
  servers: ChildServer[];
  /** Every server process to sample, by name ("server", "server:chat-1", "relay", "server:4711"). */
  pids: { name: string; pid: number }[];
  /** The relay takes any user id as its token: no accounts to register. */
  needsAccounts: boolean;
  describe: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Env for a server the bench starts: loopback, a free port, the embedded store in a fresh directory, and
 * the per-user limits raised so the bench measures the server, not its rate limiter.
 */
export function benchServerEnv(dataDir: string, extra: Record<string, string>): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    ROLES: 'all',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEND_RATE_PER_SECOND: '1000000',
    SEND_BURST: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    ...extra,
  };
}

/**
 * Node flags as production runs each target, so the bench measures what is deployed (a test keeps these
 * equal to `npm start` and docker/Dockerfile).
 * - The embedded all-in-one server (`npm start`) gets a 64 MB young generation instead of V8's 16 MB: at
 *   saturation fewer scavenges copy the messages in flight, measured +9–15% messages/s and −17% CPU per
 *   message. The bare relay it is compared with gets the same flags, so ratios compare like with like.
 * - The role containers (the image, `--cluster`) keep V8's default: a chat node mostly holds idle
 *   connections, and the larger young generation, once grown during a connect storm, kept ~100 MB more RSS
 *   per chat node (20,000 connections over two nodes: 34–36 KB per connection instead of ~28).
 */
export const EMBEDDED_NODE_FLAGS = ['--max-semi-space-size=64'];
export const IMAGE_NODE_FLAGS: string[] = [];
/**
 * Chat nodes (docker/compose.yaml sets these in NODE_OPTIONS for the chat role) go further the other way: a
 * 4 MB semi-space instead of V8's 16 MB. Young-generation space a connect storm grows stays committed, and a
 * chat node's memory is what limits how many connections it holds. Measured with `--cluster`: RSS growth per
 * connection 21.2 KB instead of ~26 (20,000 connections over two nodes, median of 3); dm saturation
 * 2,953–3,234 msg/s against 3,388–3,430 with 16 MB in the same hour (chat nodes hardly ever saturate first).
 */
export const CHAT_NODE_FLAGS = ['--max-semi-space-size=4'];

/**
 * Every server the bench starts carries its agent (profile and memory commands on stdin); `idle` also exposes
 * gc so memory is read after a full collection.
 */
const nodeArgs = (opts: BenchOptions, production: string[]) => [
  ...production,
  ...opts.serverNodeArgs,
  ...(opts.scenario === 'idle' ? ['--expose-gc'] : []),
  '--require',
  AGENT,
];

export async function startEmbedded(opts: BenchOptions): Promise<BenchTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
  let server: ChildServer;
  try {
    server = await startChildServer('server', SERVER_MAIN, {
      env: benchServerEnv(dataDir, opts.serverEnv),
      nodeArgs: nodeArgs(opts, EMBEDDED_NODE_FLAGS),
    });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    kind: 'embedded',
    apiUrl: server.url,
    chatUrls: [server.url],
    servers: [server],
    pids: [{ name: 'server', pid: server.pid }],
    needsAccounts: true,
    describe: {
      kind: 'embedded',
      url: server.url,
      roles: 'all',
      serverEnv: Object.keys(opts.serverEnv),
      serverNodeArgs: nodeArgs(opts, EMBEDDED_NODE_FLAGS),
      dataDir: opts.keepData ? dataDir : '(temp, removed)',
    },
    stop: async () => {
      await server.stop();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startRelay(opts: BenchOptions): Promise<BenchTarget> {
  const relay = await startChildServer('relay', RELAY_MAIN, {
    env: {},
    nodeArgs: nodeArgs(opts, EMBEDDED_NODE_FLAGS),
  });
  return {
    kind: 'relay',
    apiUrl: relay.url,
    chatUrls: [relay.url],
    servers: [relay],
    pids: [{ name: 'relay', pid: relay.pid }],
    needsAccounts: false,
    describe: { kind: 'relay', url: relay.url, what: 'bare Socket.IO relay, no auth, no persistence' },
    stop: async () => void (await relay.stop()),
  };
}

export function useRunning(opts: BenchOptions & { url: string }): BenchTarget {
  const chatUrls = opts.chatUrls.length ? opts.chatUrls : [opts.url];
  return {
    kind: 'url',
    apiUrl: opts.url,
    chatUrls,
    servers: [],
    pids: opts.serverPids.map((pid) => ({ name: `server:${pid}`, pid })),
    needsAccounts: true,
    describe: { kind: 'url', url: opts.url, chatUrls, sampledPids: opts.serverPids },
    stop: async () => undefined,
  };
}

const CLUSTER_NEEDS = ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET'] as const;

/**
 * The multi-role cluster as processes on loopback, the same roles as test/support/cluster.ts and
 * docker/compose.yaml: api, two chat nodes, presence and worker, on the stores given with --server-env
 * (DATABASE_URL, REDIS_URL, JWT_SECRET, and CASSANDRA_CONTACT_POINTS for history on Cassandra). No Consul:
 * the bench hands the two chat URLs to the clients itself, so every DM pair crosses nodes.
 */
export async function startCluster(opts: BenchOptions): Promise<BenchTarget> {
  const missing = CLUSTER_NEEDS.filter((k) => !opts.serverEnv[k]);
  if (missing.length) throw new UsageError(`--cluster needs --server-env for ${missing.join(', ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-cluster-'));
  const started: ChildServer[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  const start = async (name: string, roles: string, extra: Record<string, string> = {}) => {
    const server = await startChildServer(name, SERVER_MAIN, {
      env: benchServerEnv(dataDir, { ...opts.serverEnv, ROLES: roles, ...extra }),
      nodeArgs: nodeArgs(
        opts,
        roles === 'chat' ? [...IMAGE_NODE_FLAGS, ...CHAT_NODE_FLAGS] : IMAGE_NODE_FLAGS,
      ),
    });
    started.push(server);
    return server;
  };
  try {
    // The api process migrates; the others start on the migrated schema.
    const api = await start('server:api', 'api');
    const later = { DATABASE_MIGRATE_ON_START: 'false', CASSANDRA_MIGRATE_ON_START: 'false' };
    const [chat1, chat2] = await Promise.all([
      start('server:chat-1', 'chat', later),
      start('server:chat-2', 'chat', later),
    ]);
    await Promise.all([start('server:presence', 'presence', later), start('server:worker', 'worker', later)]);
    return {
      kind: 'cluster',
      apiUrl: api.url,
      chatUrls: [chat1.url, chat2.url],
      servers: started,
      pids: started.map((s) => ({ name: s.name, pid: s.pid })),
      needsAccounts: true,
      describe: {
        kind: 'cluster',
        roles: started.map((s) => s.name),
        api: api.url,
        chatUrls: [chat1.url, chat2.url],
        serverEnv: Object.keys(opts.serverEnv),
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

const running = new Set<BenchTarget>();

/** The target a scenario runs against; `relay` forces the baseline relay. */
export async function startTarget(opts: BenchOptions, relay = false): Promise<BenchTarget> {
  const target = await (relay
    ? startRelay(opts)
    : opts.cluster
      ? startCluster(opts)
      : opts.url
        ? Promise.resolve(useRunning({ ...opts, url: opts.url }))
        : startEmbedded(opts));
  running.add(target);
  const stop = target.stop;
  return {
    ...target,
    stop: async () => {
      running.delete(target);
      await stop();
    },
  };
}

/** Stops every target still running (Ctrl-C), so no server and no temp DATA_DIR is left behind. */
export async function stopAllTargets(): Promise<void> {
  await Promise.all([...running].map((t) => t.stop().catch(() => undefined)));
  running.clear();
}
