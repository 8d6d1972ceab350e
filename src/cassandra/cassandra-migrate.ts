/** `npm run cassandra:migrate`: creates the Cassandra keyspace and tables if missing, waits for agreement, exits. */
import 'reflect-metadata';
import { Client } from 'cassandra-driver';
import { ConfigError, loadConfig } from '../config/app-config';
import { migrateSchema } from './cassandra-schema';
import { cassandraClientOptions } from './cassandra.service';

async function main(): Promise<void> {
  const config = loadConfig(process.env); // eslint-disable-line no-restricted-properties
  const c = config.cassandra;
  if (!c.contactPoints.length) {
    console.log(
      'CASSANDRA_CONTACT_POINTS is not set: history lives in the relational store, nothing to migrate.',
    );
    return;
  }
  const client = new Client(cassandraClientOptions(c));
  await client.connect();
  try {
    const r = await migrateSchema(client, c);
    console.log(
      r.applied ? `schema applied to keyspace ${c.keyspace}` : `keyspace ${c.keyspace} is up to date`,
    );
    if (r.replicationMismatch) console.warn(`warning: ${r.replicationMismatch}`);
  } finally {
    await client.shutdown();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
