import { randomUUID } from 'node:crypto';
import {
  InMemorySocketQuota,
  RedisSocketQuota,
  SOCKET_LEASE_MS,
  SocketQuota,
} from '../../src/chat-gateway/socket-quota';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { RedisService } from '../../src/redis/redis.service';
import { TEST_JWT_SECRET, tempDataDir } from '../support/app';
import { describeWith } from '../support/services';

const configWith = (env: Record<string, string>): AppConfig =>
  loadConfig({ JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: tempDataDir(), MAX_SOCKETS_PER_USER: '3', ...env });

/** MAX_SOCKETS_PER_USER (DESIGN.md section 7) across every chat node. `nodes` are the quotas of separate nodes. */
function quotaContract(open: () => Promise<{ nodes: SocketQuota[]; close(): Promise<void> }>): void {
  let nodes: SocketQuota[];
  let close: () => Promise<void>;
  beforeAll(async () => ({ nodes, close } = await open()));
  afterAll(() => close());
  const t0 = Date.now();
  const admitMany = async (userId: string, ids: string[], now = t0) => {
    const out: boolean[] = [];
    for (const [i, socketId] of ids.entries())
      out.push(await nodes[i % nodes.length].admit({ userId, socketId }, now));
    return out;
  };

  it("admits the maximum of a user's sockets over every node, refuses the next, and counts users apart", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(await admitMany(a, ['s1', 's2', 's3', 's4'])).toEqual([true, true, true, false]);
    expect(await admitMany(b, ['s1'])).toEqual([true]);
  });

  it('frees a place when a socket closes', async () => {
    const a = randomUUID();
    await admitMany(a, ['s1', 's2', 's3']);
    await nodes[nodes.length - 1].release({ userId: a, socketId: 's2' });
    expect(await admitMany(a, ['s4', 's5'])).toEqual([true, false]);
  });

  it('stops counting sockets whose node stopped renewing them (a crashed node), and keeps renewed ones', async () => {
    const a = randomUUID();
    await admitMany(a, ['s1', 's2', 's3']);
    await nodes[0].renew([{ userId: a, socketId: 's1' }], t0 + SOCKET_LEASE_MS / 2);
    const later = t0 + SOCKET_LEASE_MS + 1;
    expect(await admitMany(a, ['s4', 's5', 's6'], later)).toEqual([true, true, false]);
  });
}

describe('socket quota contract: embedded (one process)', () => {
  quotaContract(async () => ({
    nodes: [new InMemorySocketQuota(configWith({}))],
    close: async () => undefined,
  }));
});

describeWith(['redis'], 'socket quota contract: Redis (two chat nodes)', ({ redis }) => {
  const services: RedisService[] = [];
  quotaContract(async () => {
    const config = configWith({ REDIS_URL: redis });
    services.push(new RedisService(config), new RedisService(config));
    return {
      nodes: services.map((s) => new RedisSocketQuota(config, s)),
      close: async () => void (await Promise.all(services.map((s) => s.onApplicationShutdown()))),
    };
  });

  it('re-counts open sockets after Redis lost them, at the next renewal', async () => {
    const a = randomUUID();
    const quota = new RedisSocketQuota(configWith({ REDIS_URL: redis }), services[0]);
    await quota.admit({ userId: a, socketId: 's1' });
    await services[0].client.del(`chat:sockets:{${a}}`);
    await quota.renew(['s1', 's2', 's3'].map((socketId) => ({ userId: a, socketId })));
    expect(await quota.admit({ userId: a, socketId: 's4' })).toBe(false);
  });
});
