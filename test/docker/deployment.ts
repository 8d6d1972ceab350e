import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { ConsulStandIn, startConsulStandIn } from '../support/consul-standin';
import { uniqueName } from '../support/builders';

const run = promisify(execFile);

/** Every container this deployment makes carries this label; `docker-test.sh` removes them by it too. */
export const LABEL = 'chat-docker-test=1';
const PREFIX = 'chat-test-';
// The Debian client matches the Debian daemon (scripts/docker-engine.sh); DOCKER_HOST names its socket.
const DOCKER = process.env.DOCKER_CLI ?? '/usr/bin/docker';

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run(DOCKER, args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Loopback ports (host networking), clear of the shared services (5432, 6379, 9042) and 3000-3010. */
export const PORTS = {
  postgres: 25432,
  redis: 26379,
  cassandra: 29042,
  cassandraStorage: 29000,
  api: 28080,
  chat1: 28101,
  chat2: 28102,
  presence: 28111,
  worker: 28112,
} as const;

export type AppRole = 'api' | 'chat-1' | 'chat-2' | 'presence' | 'worker';

export interface Deployment {
  apiUrl: string;
  chatUrls: [string, string];
  adminName: string;
  consul: ConsulStandIn;
  /** `docker stop` (SIGTERM, then KILL after `graceSeconds`), then `docker start`, then healthy again. */
  restart(
    role: AppRole,
    graceSeconds?: number,
  ): Promise<{ stoppedMs: number; downMs: number; exitCode: string }>;
  /** Seconds each step of the start took. */
  timings: Record<string, number>;
  remove(): Promise<void>;
}

const health = (name: string) =>
  docker(
    'inspect',
    '--format',
    '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}',
    name,
  );

async function healthy(name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await health(name);
    if (s === 'healthy') return;
    if (s === 'exited' || s === 'dead' || s === 'unhealthy' || Date.now() > deadline) {
      // What the last health probes answered, and the container's own last lines.
      const probes = await docker(
        'inspect',
        '--format',
        '{{if .State.Health}}{{json .State.Health.Log}}{{end}}',
        name,
      );
      const logs = await run(DOCKER, ['logs', '--tail', '40', name]).then(
        (r) => r.stdout + r.stderr,
        () => '',
      );
      throw new Error(
        `${name} is ${s}, not healthy, after ${timeoutMs} ms:\nprobes: ${probes}\nlogs:\n${logs}`,
      );
    }
    // docker has no "wait for healthy"; its own check runs every 2 s here.
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The ready check the compose file uses, every 2 s instead of 10 so a test does not wait on it. */
const readyCheck = (port: number) => [
  '--health-cmd',
  // as compose.yaml's, printing what a failing probe got (docker keeps the last five outputs)
  `node -e "fetch('http://127.0.0.1:${port}/health/ready').then(async r=>{if(!r.ok)console.log(r.status,await r.text());process.exit(r.ok?0:1)},e=>{console.log(String(e.cause??e));process.exit(1)})"`,
  '--health-interval=2s',
  '--health-timeout=3s',
  '--health-retries=3',
  '--health-start-period=120s', // a loaded 2-core machine took up to 50 s to get five roles ready
];

/**
 * The role containers of docker/compose.yaml, run with host networking on loopback ports: Postgres, Redis and
 * Cassandra (images made locally by scripts/docker-images.sh), the two migration jobs, api, two chat nodes,
 * presence and worker from chat-server:local. Discovery talks to the Consul stand-in in this test process
 * (Consul itself cannot be installed here, DESIGN.md section 8), on a loopback port the containers reach.
 */
export async function startDeployment(): Promise<Deployment> {
  const timings: Record<string, number> = {};
  const t = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const r = await f();
    timings[what] = (Date.now() - t0) / 1000;
    return r;
  };
  const made: string[] = [];
  const secrets = mkdtempSync(join(tmpdir(), 'chat-docker-secrets-'));
  const consul = await startConsulStandIn({ reapIntervalMs: 500, minDeregisterAfterMs: 1000 });
  const remove = async () => {
    if (made.length) await docker('rm', '-f', '-v', ...made).catch(() => undefined);
    await consul.close();
    rmSync(secrets, { recursive: true, force: true });
  };
  try {
    chmodSync(secrets, 0o755);
    writeFileSync(join(secrets, 'jwt-secret'), randomBytes(48).toString('base64'), { mode: 0o644 });
    const pgPassword = randomBytes(12).toString('hex');
    const redisPassword = randomBytes(12).toString('hex');
    const adminName = uniqueName('docker_admin_');
    const common = ['--network', 'host', '--label', LABEL, '--pull', 'never'];
    const detached = async (name: string, args: string[]) => {
      made.push(PREFIX + name);
      await docker('run', '-d', '--name', PREFIX + name, ...common, ...args);
    };

    await t('stores started', async () => {
      await detached('postgres', [
        '-e',
        `POSTGRES_USER=chat`,
        '-e',
        'POSTGRES_DB=chat',
        '-e',
        `POSTGRES_PASSWORD=${pgPassword}`,
        '-e',
        `PGPORT=${PORTS.postgres}`,
        '-e',
        'POSTGRES_FSYNC=off',
        'chat-postgres:15',
      ]);
      await detached('redis', [
        '-e',
        `REDIS_PASSWORD=${redisPassword}`,
        '-e',
        `REDIS_PORT=${PORTS.redis}`,
        'chat-redis:7',
      ]);
      await detached('cassandra', [
        '-e',
        `CASSANDRA_PORT=${PORTS.cassandra}`,
        '-e',
        `CASSANDRA_STORAGE_PORT=${PORTS.cassandraStorage}`,
        'chat-cassandra:5.0',
      ]);
    });
    await t('postgres healthy', () => healthy(PREFIX + 'postgres', 60_000));
    await t('redis healthy', () => healthy(PREFIX + 'redis', 60_000));
    await t('cassandra healthy', () => healthy(PREFIX + 'cassandra', 240_000));

    const env: Record<string, string> = {
      LOG_LEVEL: 'info', // in the containers' own logs (docker logs), shown when one does not get healthy
      DATABASE_URL: `postgres://chat:${pgPassword}@127.0.0.1:${PORTS.postgres}/chat`,
      DATABASE_MIGRATE_ON_START: 'false',
      REDIS_URL: `redis://:${redisPassword}@127.0.0.1:${PORTS.redis}`,
      CASSANDRA_CONTACT_POINTS: `127.0.0.1:${PORTS.cassandra}`,
      CASSANDRA_LOCAL_DC: 'datacenter1',
      CASSANDRA_KEYSPACE: 'chat',
      CASSANDRA_CONSISTENCY: 'ONE',
      CASSANDRA_REPLICATION: 'SimpleStrategy:1',
      CASSANDRA_MIGRATE_ON_START: 'false',
      CONSUL_URL: consul.url,
      JWT_SECRET_FILE: '/run/chat-secrets/jwt-secret',
      ADMIN_USERNAMES: adminName,
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      // Short timeouts (as test/support/cluster.ts has them), so a stopped node leaves discovery at once.
      DISCOVERY_TTL_SECONDS: '2',
      PRESENCE_TIMEOUT_MS: '2000',
      JOB_LOCK_MS: '1500',
      JOB_STALLED_INTERVAL_MS: '500',
    };
    const envArgs = (extra: Record<string, string>) =>
      Object.entries({ ...env, ...extra }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const app = ['-v', `${secrets}:/run/chat-secrets:ro`];

    await t('migrations', () =>
      Promise.all(
        [
          ['migrate-postgres', 'dist/database/migrate.js'],
          ['migrate-cassandra', 'dist/cassandra/cassandra-migrate.js'],
        ].map(([name, script]) =>
          docker(
            'run',
            '--rm',
            '--name',
            PREFIX + name,
            ...common,
            ...app,
            ...envArgs({}),
            'chat-server:local',
            'node',
            script,
          ),
        ),
      ),
    );

    const roles: [AppRole, number, Record<string, string>][] = [
      ['api', PORTS.api, { ROLES: 'api' }],
      [
        'chat-1',
        PORTS.chat1,
        {
          ROLES: 'chat',
          PUBLIC_URL: `http://127.0.0.1:${PORTS.chat1}`,
          NODE_OPTIONS: '--max-semi-space-size=4',
        },
      ],
      [
        'chat-2',
        PORTS.chat2,
        {
          ROLES: 'chat',
          PUBLIC_URL: `http://127.0.0.1:${PORTS.chat2}`,
          NODE_OPTIONS: '--max-semi-space-size=4',
        },
      ],
      ['presence', PORTS.presence, { ROLES: 'presence' }],
      ['worker', PORTS.worker, { ROLES: 'worker' }],
    ];
    await t('roles started', () =>
      Promise.all(
        roles.map(([name, port, extra]) =>
          detached(name, [
            ...app,
            ...readyCheck(port),
            '--stop-timeout',
            '30',
            ...envArgs({ HOST: '127.0.0.1', PORT: String(port), ...extra }),
            'chat-server:local',
          ]),
        ),
      ),
    );
    await t('roles healthy', () => Promise.all(roles.map(([name]) => healthy(PREFIX + name, 180_000))));

    return {
      apiUrl: `http://127.0.0.1:${PORTS.api}`,
      chatUrls: [`http://127.0.0.1:${PORTS.chat1}`, `http://127.0.0.1:${PORTS.chat2}`],
      adminName,
      consul,
      timings,
      remove,
      restart: async (role, graceSeconds = 30) => {
        const t0 = Date.now();
        await docker('stop', '-t', String(graceSeconds), PREFIX + role);
        const stoppedMs = Date.now() - t0;
        const exitCode = await docker('inspect', '--format', '{{.State.ExitCode}}', PREFIX + role);
        await docker('start', PREFIX + role);
        await healthy(PREFIX + role, 180_000);
        return { stoppedMs, downMs: Date.now() - t0, exitCode };
      },
    };
  } catch (e) {
    await remove();
    throw e;
  }
}
