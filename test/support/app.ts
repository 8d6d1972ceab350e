import type { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from '../../src/bootstrap';
import { ChatHttpClient } from '../../src/client';
import { loadConfig } from '../../src/config/app-config';
import { serviceUrl } from './services';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface Stack {
  name: 'embedded' | 'postgres+redis' | 'postgres+redis+cassandra';
  env: Record<string, string>;
}

/**
 * The stacks an e2e suite runs on: always the embedded one; with Postgres and Redis (and Cassandra when
 * its contact points are set) as well when their URLs are set, which .ci/run guarantees.
 */
export function e2eStacks(suite: string): Stack[] {
  const stacks: Stack[] = [{ name: 'embedded', env: {} }];
  const pg = serviceUrl('postgres', suite);
  const redis = serviceUrl('redis', suite);
  if (pg && redis) {
    const env: Record<string, string> = { DATABASE_URL: pg, REDIS_URL: redis, JWT_SECRET: TEST_JWT_SECRET };
    if (process.env.CASSANDRA_CONTACT_POINTS)
      env.CASSANDRA_CONTACT_POINTS = process.env.CASSANDRA_CONTACT_POINTS;
    stacks.push({ name: 'services', env });
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
    DATA_DIR: dataDir,
    ...env,
  });
  const app = await bootstrap(config);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, http: new ChatHttpClient(url), dataDir, close: () => app.close() };
}
