import type { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from '../../src/bootstrap';
import { ChatHttpClient } from '@chat-server/client';
import { loadConfig } from '../../src/config/app-config';
import { serviceUrl } from './services';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface Stack {
  name: 'embedded' | 'postgres+redis' | 'postgres+redis+cassandra';
  env: Record<string, string>;
}

/**
 * The stacks an e2e suite runs on: always the embedded one; Postgres + Redis (history in Postgres) when
 * their URLs are set; and Postgres + Redis + Cassandra when Cassandra's contact points are set too.
 * .ci/run sets all three with REQUIRE_SERVICES=1, so CI runs every suite on every stack.
 */
export function e2eStacks(suite: string, opts: { cassandra?: boolean } = {}): Stack[] {
  const stacks: Stack[] = [{ name: 'embedded', env: {} }];
  const pg = serviceUrl('postgres', suite);
  const redis = serviceUrl('redis', suite);
  const cassandra = opts.cassandra === false ? undefined : serviceUrl('cassandra', suite);
  if (pg && redis) {
    const env: Record<string, string> = { DATABASE_URL: pg, REDIS_URL: redis, JWT_SECRET: TEST_JWT_SECRET };
    stacks.push({ name: 'postgres+redis', env });
    if (cassandra) {
      stacks.push({
        name: 'postgres+redis+cassandra',
        env: {
          ...env,
          CASSANDRA_CONTACT_POINTS: cassandra,
          CASSANDRA_KEYSPACE: 'chat_e2e',
          CASSANDRA_CONSISTENCY: process.env.CASSANDRA_CONSISTENCY ?? 'ONE',
        },
      });
    }
  }
  return stacks;
}

export interface RunningApp {
  app: INestApplication;
  url: string;
  http: ChatHttpClient;
  dataDir: string;
  close(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'chat-test-'));
}

/** Boots the whole app in this process on a random port. */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const dataDir = env.DATA_DIR ?? tempDataDir();
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL,
    // Tests register many users from one address; the auth rate limit has its own test.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    DATA_DIR: dataDir,
    ...env,
  });
  const app = await bootstrap(config, { abortOnError: false });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, http: new ChatHttpClient(url), dataDir, close: () => app.close() };
}
