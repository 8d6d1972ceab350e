import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * A store this test owns (its own process on a free loopback port), so a fault test can stop and start it
 * without touching the machine's shared Postgres or Redis. `stop` and `start` keep the data.
 */
export interface OwnStore {
  url: string;
  /** Stops the store's process (by its pid) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Spawns a server and resolves once a line of its output contains `ready`; rejects if it exits first. */
function spawnUntil(
  cmd: string,
  args: string[],
  ready: string,
  opts: { uid?: number; gid?: number } = {},
  timeoutMs = 30_000,
): Promise<ChildProcess> {
  const proc = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${cmd} not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code}) before it was ready:\n${output}`));
    });
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        output += line + '\n';
        if (!line.includes(ready)) return;
        clearTimeout(timer);
        resolve(proc);
      });
    }
  });
}

function stopProcess(proc: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill(signal);
  return exited;
}

/** `redis-server` with no persistence: a restart comes back empty, as the shared deployments' does. */
export async function startOwnRedis(): Promise<OwnStore> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = await spawnUntil('redis-server', args, 'Ready to accept connections');
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    start,
    stop: () => stopProcess(proc, 'SIGTERM'),
    destroy: () => stopProcess(proc, 'SIGKILL'),
  };
}

function postgresBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error(`no Postgres under ${root}`);
  return join(root, versions[0], 'bin', name);
}

/**
 * A Postgres cluster of its own in a temp folder (initdb, then the postmaster run as user postgres). Stop is
 * a fast shutdown (SIGINT to the postmaster: sessions are terminated, as in a restart).
 */
export async function startOwnPostgres(): Promise<OwnStore> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chat-own-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  execFileSync(postgresBin('initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync'], {
    uid,
    gid,
    stdio: 'ignore',
  });
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ];
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = await spawnUntil(postgresBin('postgres'), args, 'ready to accept connections', { uid, gid });
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop: () => stopProcess(proc, 'SIGINT'),
    destroy: async () => {
      await stopProcess(proc, 'SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const CASSANDRA_SCRIPT = join(__dirname, '..', '..', 'scripts', 'cassandra.sh');

export interface OwnCassandra {
  contactPoint: string;
  /** Stops the node (the script signals the pid in this node's own run dir); its data stays. */
  stop(): Promise<void>;
  /** Starts it again on the data the stop left (`cassandra.sh resume`). */
  resume(): Promise<void>;
  /** Stops it and removes its run dir. */
  destroy(): Promise<void>;
}

function runScript(command: string | string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn('bash', [CASSANDRA_SCRIPT, ...[command].flat()], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`cassandra.sh ${command} exited ${code}:\n${output}`)),
    );
  });
}

/**
 * A second single Cassandra node of this test's own (scripts/cassandra.sh on free ports and its own run dir,
 * about 20 s and 700 MB), so it can be stopped without touching the shared one.
 */
export async function startOwnCassandra(): Promise<OwnCassandra> {
  const [cql, storage] = [await freePort(), await freePort()];
  const env = {
    CASSANDRA_PORT: String(cql),
    CASSANDRA_STORAGE_PORT: String(storage),
    CASSANDRA_RUN_DIR: join(tmpdir(), `chat-own-cassandra-${cql}`),
    CASSANDRA_STOP_TIMEOUT: '15',
  };
  await runScript('start', env);
  const stop = () => runScript('stop', env);
  return {
    contactPoint: `127.0.0.1:${cql}`,
    stop,
    resume: () => runScript('resume', env),
    destroy: async () => {
      await stop();
      rmSync(env.CASSANDRA_RUN_DIR, { recursive: true, force: true });
    },
  };
}

export interface OwnCassandraCluster {
  /** The driver's contact points, every node. */
  contactPoints: string;
  addresses: string[];
  /** Stops one replica (its data stays). */
  stopNode(address: string): Promise<void>;
  /** Starts that replica again on its data. */
  resumeNode(address: string): Promise<void>;
  /** Stops every node and removes their run dirs. */
  destroy(): Promise<void>;
}

/**
 * A Cassandra cluster of this test's own, one node per loopback address (`cassandra.sh cluster`: each node
 * binds its own address, CQL on 9042, started together in ~45 s, ~700 MB each), for a keyspace at RF 3.
 */
export async function startOwnCassandraCluster(addresses: string[]): Promise<OwnCassandraCluster> {
  const env = { CASSANDRA_CLUSTER_ADDRESSES: addresses.join(' '), CASSANDRA_STOP_TIMEOUT: '15' };
  await runScript(['cluster', 'start'], env).catch(async (e: unknown) => {
    await runScript(['cluster', 'stop'], env); // the nodes that did start
    throw e;
  });
  return {
    contactPoints: addresses.map((a) => `${a}:9042`).join(','),
    addresses,
    stopNode: (address) => runScript(['cluster', 'stop-node', address], env),
    resumeNode: (address) => runScript(['cluster', 'resume-node', address], env),
    destroy: async () => {
      await runScript(['cluster', 'stop'], env);
      for (const a of addresses)
        rmSync(join(tmpdir(), `chat-cassandra-${a}-9042`), { recursive: true, force: true });
    },
  };
}
