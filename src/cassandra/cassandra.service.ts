import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client, DseClientOptions, policies, types } from 'cassandra-driver';
import { dependencies } from '../common/dependency-state';
import { AppConfig } from '../config/app-config';
import { Readiness } from '../common/readiness';
import { migrateSchema } from './cassandra-schema';

type CassandraConfig = AppConfig['cassandra'];

const CONSISTENCIES: Record<string, types.consistencies> = {
  ONE: types.consistencies.one,
  TWO: types.consistencies.two,
  THREE: types.consistencies.three,
  QUORUM: types.consistencies.quorum,
  LOCAL_QUORUM: types.consistencies.localQuorum,
  EACH_QUORUM: types.consistencies.eachQuorum,
  ALL: types.consistencies.all,
  LOCAL_ONE: types.consistencies.localOne,
};

export function consistencyOf(name: string): types.consistencies {
  const c = CONSISTENCIES[name];
  if (c === undefined) throw new Error(`unknown Cassandra consistency level ${name}`);
  return c;
}

export const CASSANDRA_RECONNECT_DELAY_MS = 500;

/**
 * Driver options for this app. `keyspace` is left out for the migration client (the keyspace may not exist
 * yet). Every statement the app issues is an idempotent read or insert, so the client-wide defaults say so
 * (the driver then may retry and speculate); a future non-idempotent statement (counter, LWT, list append)
 * must pass `isIdempotent: false` itself.
 */
export function cassandraClientOptions(c: CassandraConfig, keyspace?: string): DseClientOptions {
  return {
    contactPoints: c.contactPoints,
    localDataCenter: c.localDc,
    keyspace,
    applicationName: 'chat-server',
    // Two connections per local node: protocol v4+ multiplexes 2048 requests each; the second one keeps
    // a node usable while the other reconnects. Remote DCs are only a fallback.
    pooling: {
      coreConnectionsPerHost: { [types.distance.local]: 2, [types.distance.remote]: 1 },
      heartBeatInterval: 30_000,
    },
    socketOptions: { connectTimeout: 5_000, readTimeout: 12_000 },
    // The default policy backs off exponentially from 1 s to 10 min: after a 10 s outage the next attempt
    // could be 8 s away. A constant short delay brings sends back within about half a second of the node.
    policies: {
      reconnection: new policies.reconnection.ConstantReconnectionPolicy(CASSANDRA_RECONNECT_DELAY_MS),
    },
    protocolOptions: { maxSchemaAgreementWaitSeconds: 30 },
    queryOptions: {
      consistency: consistencyOf(c.consistency),
      prepare: true,
      isIdempotent: true,
      captureStackTrace: false,
    },
  };
}

/**
 * Owns the process's Cassandra session. Adapters (repositories) use `client`; nothing else creates one.
 * At start-up it applies the schema when CASSANDRA_MIGRATE_ON_START is on, then opens the session on the
 * keyspace and registers the 'cassandra' readiness check.
 */
@Injectable()
export class CassandraService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CassandraService.name);
  private session: Client | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly readiness: Readiness,
  ) {}

  get client(): Client {
    if (!this.session) throw new Error('Cassandra is not connected (CassandraService has not started)');
    return this.session;
  }

  get keyspace(): string {
    return this.config.cassandra.keyspace;
  }

  async onModuleInit(): Promise<void> {
    const c = this.config.cassandra;
    if (c.migrateOnStart) await this.migrate(c);
    this.session = await this.connect(new Client(cassandraClientOptions(c, c.keyspace)));
    this.logger.log(
      `connected to Cassandra ${c.contactPoints.join(',')} (dc ${c.localDc}, keyspace ${c.keyspace}, ${c.consistency})`,
    );
    this.readiness.register('cassandra', async () => {
      const rs = await this.client.execute('SELECT release_version FROM system.local');
      return { releaseVersion: String(rs.first()?.get('release_version')), keyspace: c.keyspace };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    await s?.shutdown();
  }

  private async migrate(c: CassandraConfig): Promise<void> {
    const admin = await this.connect(new Client(cassandraClientOptions(c)));
    try {
      const r = await migrateSchema(admin, c);
      if (r.applied) this.logger.log(`Cassandra schema applied to keyspace ${c.keyspace}`);
      if (r.replicationMismatch) this.logger.warn(r.replicationMismatch);
    } finally {
      await admin.shutdown();
    }
  }

  private async connect(client: Client): Promise<Client> {
    // The tracker logs one line when no node is up any more and one when one is back, not one per request.
    client.on('hostDown', () => {
      if (![...client.hosts.values()].some((h) => h.isUp())) dependencies.down('cassandra', 'no node is up');
    });
    client.on('hostUp', () => dependencies.up('cassandra'));
    client.on('log', (level: string, className: string, message: string) => {
      // While no node is up, every reconnection attempt logs its failure: the outage is one line already.
      if (dependencies.isDown('cassandra')) return;
      if (level === 'warning' || level === 'error')
        this.logger.warn(`cassandra-driver ${className}: ${message}`);
    });
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.shutdown().catch(() => undefined);
      throw e;
    }
  }
}
