import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { InMemoryPresenceStore } from '../../src/presence/in-memory-presence.store';
import { PresenceStoreModule } from '../../src/presence/presence-store.module';
import { PresenceStore } from '../../src/presence/presence.store';
import { RedisPresenceStore, RedisPresenceStoreOptions } from '../../src/presence/redis-presence.store';
import { RedisModule } from '../../src/redis/redis.module';
import { tempDataDir, TEST_JWT_SECRET } from '../support/app';
import { describeWith } from '../support/services';
import { presenceStoreContract, TIMEOUT } from './presence-store.contract';

describe('presence store contract: in-memory adapter', () => {
  presenceStoreContract(async () => {
    const store = new InMemoryPresenceStore({ timeoutMs: TIMEOUT });
    // One process, one state: a second sweeper in this process shares the instance.
    return { store, peer: async () => store };
  });
});

/** Keys of this test run; every fixture gets its own prefix under it, all deleted at the end. */
function redisRun(url: string) {
  const run = `test:presence:${randomBytes(6).toString('hex')}`;
  const clients: Redis[] = [];
  let n = 0;
  const connect = () => {
    const c = new Redis(url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  return {
    run,
    connect,
    prefix: () => `${run}:${n++}`,
    async close() {
      const admin = clients[0] ?? connect();
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${run}:*`, 'COUNT', 1000);
        if (keys.length) await admin.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
}

for (const shards of [1, 3]) {
  describeWith(['redis'], `presence store contract: Redis adapter, ${shards} shard(s)`, ({ redis: url }) => {
    const r = redisRun(url);
    let main: Redis;
    beforeAll(() => {
      main = r.connect();
    });
    afterAll(() => r.close());

    presenceStoreContract(async () => {
      // Small chunks, so a 1000-beat batch and a 400-user sweep run several script calls.
      const options: RedisPresenceStoreOptions = {
        timeoutMs: TIMEOUT,
        keyPrefix: r.prefix(),
        shards,
        heartbeatChunk: 64,
        sweepChunk: 16,
      };
      return {
        store: new RedisPresenceStore(main, options),
        // Another process: its own connection to the same keys.
        peer: async () => new RedisPresenceStore(r.connect(), options),
      };
    });

    it('keeps every key of a shard in one hash tag, so each script stays on one Cluster slot', async () => {
      const keyPrefix = r.prefix();
      const store = new RedisPresenceStore(main, { timeoutMs: TIMEOUT, keyPrefix, shards });
      await store.connect('someone', 'd', Date.now());
      const keys = await main.keys(`${keyPrefix}:*`);
      expect(keys.sort()).toEqual(
        ['devices', 'due', 'last'].map((k) =>
          expect.stringMatching(new RegExp(`^${keyPrefix}:\\{\\d+\\}:${k}$`)),
        ),
      );
      expect(new Set(keys.map((k) => /\{(\d+)\}/.exec(k)?.[1])).size).toBe(1);
    });

    it("forgets an offline user's lastActiveAt after the retention period", async () => {
      const store = new RedisPresenceStore(main, {
        timeoutMs: TIMEOUT,
        keyPrefix: r.prefix(),
        shards,
        offlineRetentionMs: 60_000,
      });
      const t0 = 1_764_000_000_000;
      await store.connect('old', 'd', t0);
      await store.sweep(t0 + TIMEOUT);
      expect((await store.status(['old'])).get('old')?.lastActiveAt).not.toBeNull();
      await store.sweep(t0 + 60_001);
      expect((await store.status(['old'])).get('old')).toEqual({ status: 'offline', lastActiveAt: null });
    });
  });
}

describeWith(['redis'], 'PresenceStoreModule with REDIS_URL', ({ redis: url }) => {
  const r = redisRun(url);
  afterAll(() => r.close());

  it('binds the Redis adapter on the shared RedisService connection', async () => {
    const config = loadConfig({ REDIS_URL: url, JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: tempDataDir() });
    const app = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        RedisModule,
        PresenceStoreModule.forRoot(config, { keyPrefix: r.prefix() }),
      ],
    }).compile();
    await app.init();
    try {
      const store = app.get(PresenceStore);
      expect(store).toBeInstanceOf(RedisPresenceStore);
      expect(await store.connect('m', 'd', Date.now())).toEqual({ cameOnline: true });
      expect((await store.status(['m'])).get('m')?.status).toBe('online');
    } finally {
      await app.close();
    }
  });
});
