import type { INestApplication, Type } from '@nestjs/common';
import { SendRateLimiter } from '../../src/chat-gateway/send-rate-limiter';
import { SocketQuota } from '../../src/chat-gateway/socket-quota';
import { LoginThrottle } from '../../src/auth/login-throttle';
import { ChatNodeRegistry } from '../../src/discovery/chat-node-registry';
import { NodeIdLease } from '../../src/ids/node-id-lease';
import { SendDedupe } from '../../src/messaging/dedupe/send-dedupe';
import { HistoryStore } from '../../src/messaging/history/history.store';
import { SendStore } from '../../src/messaging/send-store/send-store';
import { PushCollapseGate } from '../../src/notification/collapse/push-collapse-gate';
import { PresenceStore } from '../../src/presence/presence.store';
import { JobQueue } from '../../src/queue/job-queue';
import { RealtimeEmitter } from '../../src/realtime/realtime-emitter';
import { AppConfig } from '../../src/config/app-config';
import { startApp, TEST_JWT_SECRET } from '../support/app';
import { ConsulStandIn, startConsulStandIn } from '../support/consul-standin';
import { describeWith } from '../support/services';

/**
 * One topology decision (AppConfig.topology), and every port bound on it: for each deployment shape, the
 * whole app boots and each port is the adapter that shape promises (as AFFiNE's flavor test does).
 */
const PORTS: Record<string, Type | (abstract new (...a: never[]) => unknown)> = {
  history: HistoryStore,
  sendDedupe: SendDedupe,
  sendStore: SendStore,
  jobQueue: JobQueue,
  presence: PresenceStore,
  pushCollapse: PushCollapseGate,
  nodeIds: NodeIdLease,
  discovery: ChatNodeRegistry,
  realtime: RealtimeEmitter,
  sendRate: SendRateLimiter,
  socketQuota: SocketQuota,
  loginThrottle: LoginThrottle,
};

/** The class bound to each of the ports named (every port when all roles run). */
function bound(app: INestApplication, names = Object.keys(PORTS)): Record<string, string> {
  return Object.fromEntries(
    names.map((n) => [n, (app.get(PORTS[n], { strict: false }) as object).constructor.name]),
  );
}

const MEMORY = {
  presence: 'InMemoryPresenceStore',
  pushCollapse: 'InMemoryPushCollapseGate',
  jobQueue: 'InMemoryJobQueue',
  nodeIds: 'FixedNodeIdLease',
  sendRate: 'InMemorySendRateLimiter',
  socketQuota: 'InMemorySocketQuota',
  loginThrottle: 'InMemoryLoginThrottle',
};
const REDIS = {
  presence: 'RedisPresenceStore',
  pushCollapse: 'RedisPushCollapseGate',
  jobQueue: 'BullmqJobQueue',
  nodeIds: 'RedisNodeIdLease',
  sendRate: 'RedisSendRateLimiter',
  socketQuota: 'RedisSocketQuota',
  loginThrottle: 'RedisLoginThrottle',
};
const SQLITE = {
  history: 'SqliteHistoryStore',
  sendDedupe: 'SqliteSendDedupe',
  sendStore: 'SqliteSendStore',
};
const POSTGRES = { history: 'SqlHistoryStore', sendDedupe: 'SqlSendDedupe', sendStore: 'ClaimThenStore' };
const CASSANDRA = {
  history: 'CassandraHistoryStore',
  sendDedupe: 'CassandraSendDedupe',
  sendStore: 'ClaimThenStore',
};

async function bootAndRead(
  env: Record<string, string>,
  names?: string[],
): Promise<{ topology: string; ports: object }> {
  const running = await startApp(env);
  try {
    const config = running.app.get(AppConfig);
    return { topology: JSON.stringify(config.topology), ports: bound(running.app, names) };
  } finally {
    await running.close();
  }
}

describe('topology: embedded (no configuration)', () => {
  it('binds every port to its in-process adapter', async () => {
    const { topology, ports } = await bootAndRead({});
    expect(JSON.parse(topology)).toEqual({
      relational: 'sqlite',
      history: 'sqlite',
      sharedState: 'memory',
      queue: 'memory',
      discovery: 'self',
    });
    expect(ports).toEqual({
      ...SQLITE,
      ...MEMORY,
      discovery: 'InMemoryChatNodeRegistry',
      realtime: 'SocketServerEmitter',
    });
  });
});

describeWith(['postgres', 'redis', 'cassandra'], 'topology: distributed', (urls) => {
  const base = { DATABASE_URL: urls.postgres, REDIS_URL: urls.redis, JWT_SECRET: TEST_JWT_SECRET };
  let consul: ConsulStandIn;
  beforeAll(async () => {
    consul = await startConsulStandIn();
  });
  afterAll(() => consul.close());

  it('Postgres + Redis: history in Postgres, shared state and jobs in Redis', async () => {
    const { topology, ports } = await bootAndRead(base);
    expect(JSON.parse(topology)).toEqual({
      relational: 'postgres',
      history: 'postgres',
      sharedState: 'redis',
      queue: 'bullmq',
      discovery: 'self',
    });
    expect(ports).toEqual({
      ...POSTGRES,
      ...REDIS,
      discovery: 'InMemoryChatNodeRegistry',
      realtime: 'SocketServerEmitter',
    });
  });

  it('Postgres + Redis + Cassandra: history and its dedupe in Cassandra', async () => {
    const { topology, ports } = await bootAndRead({
      ...base,
      CASSANDRA_CONTACT_POINTS: urls.cassandra,
      CASSANDRA_KEYSPACE: 'chat_topology',
    });
    expect(JSON.parse(topology)).toMatchObject({ relational: 'postgres', history: 'cassandra' });
    expect(ports).toEqual({
      ...CASSANDRA,
      ...REDIS,
      discovery: 'InMemoryChatNodeRegistry',
      realtime: 'SocketServerEmitter',
    });
  });

  it('with Consul: chat nodes are found through Consul', async () => {
    const { topology, ports } = await bootAndRead({ ...base, CONSUL_URL: consul.url });
    expect(JSON.parse(topology)).toMatchObject({ discovery: 'consul' });
    expect(ports).toMatchObject({ discovery: 'ConsulChatNodeRegistry' });
  });

  it('an api-only process emits to sockets through Redis (no Socket.IO server of its own)', async () => {
    const { ports } = await bootAndRead({ ...base, ROLES: 'api' }, ['realtime', 'history', 'jobQueue']);
    expect(ports).toEqual({
      realtime: 'RemoteSocketsEmitter',
      history: 'SqlHistoryStore',
      jobQueue: 'BullmqJobQueue',
    });
  });
});
