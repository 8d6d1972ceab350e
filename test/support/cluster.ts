import { TEST_JWT_SECRET } from './app';
import { uniqueName } from './builders';
import { ConsulStandIn, startConsulStandIn } from './consul-standin';
import { ServerProcess, spawnServer } from './process';

export interface ClusterServices {
  postgres: string;
  redis: string;
  cassandra: string;
  /** Cassandra settings other than the environment's, e.g. a keyspace at RF 3 on a cluster of the test's own. */
  cassandraEnv?: Record<string, string>;
}

export interface Cluster {
  consul: ConsulStandIn;
  api: ServerProcess;
  chat: ServerProcess[];
  presence: ServerProcess;
  worker: ServerProcess;
  env: Record<string, string>;
  /** A username that gets the admin role when registered. */
  adminName: string;
  /** Starts another process of a role with the cluster's environment (e.g. a replacement worker). */
  start(roles: string, extra?: Record<string, string>): Promise<ServerProcess>;
  stop(): Promise<void>;
}

/**
 * The deployment of docker/compose.yaml as plain processes on loopback: api, two chat nodes, presence and
 * worker on the real Postgres, Redis and Cassandra, with the Consul stand-in for discovery. Timeouts are
 * short so failures show within seconds.
 */
export async function startCluster(services: ClusterServices): Promise<Cluster> {
  const adminName = uniqueName('cluster_admin_');
  const consul = await startConsulStandIn({ reapIntervalMs: 500, minDeregisterAfterMs: 1000 });
  const env: Record<string, string> = {
    DATABASE_URL: services.postgres,
    REDIS_URL: services.redis,
    CASSANDRA_CONTACT_POINTS: services.cassandra,
    CASSANDRA_KEYSPACE: 'chat_cluster',
    CASSANDRA_CONSISTENCY: process.env.CASSANDRA_CONSISTENCY ?? 'ONE',
    // The 3-node run (.ci/run, scripts/cassandra.sh cluster) sets NetworkTopologyStrategy:datacenter1=3.
    CASSANDRA_REPLICATION: process.env.CASSANDRA_REPLICATION ?? 'SimpleStrategy:1',
    CONSUL_URL: consul.url,
    JWT_SECRET: TEST_JWT_SECRET,
    DISCOVERY_TTL_SECONDS: '2',
    PRESENCE_TIMEOUT_MS: '2000',
    JOB_LOCK_MS: '1500',
    JOB_STALLED_INTERVAL_MS: '500',
    ADMIN_USERNAMES: adminName,
    ...services.cassandraEnv,
  };
  const all: ServerProcess[] = [];
  const start = async (roles: string, extra: Record<string, string> = {}) => {
    const p = await spawnServer({ ...env, ROLES: roles, ...extra });
    all.push(p);
    return p;
  };
  try {
    // The api process migrates Postgres and Cassandra first; the others start on the migrated schema.
    const api = await start('api');
    const later = { DATABASE_MIGRATE_ON_START: 'false', CASSANDRA_MIGRATE_ON_START: 'false' };
    const [chat1, chat2, presence, worker] = await Promise.all([
      start('chat', later),
      start('chat', later),
      start('presence', later),
      start('worker', later),
    ]);
    return {
      consul,
      api,
      chat: [chat1, chat2],
      presence,
      worker,
      env,
      adminName,
      start: (roles, extra) => start(roles, { ...later, ...extra }),
      stop: async () => {
        await Promise.all(all.map((p) => p.kill('SIGKILL')));
        await consul.close();
      },
    };
  } catch (e) {
    await Promise.all(all.map((p) => p.kill('SIGKILL')));
    await consul.close();
    throw e;
  }
}
