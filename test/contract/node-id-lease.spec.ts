import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { describeWith } from '../support/services';

const SCRIPT = join(__dirname, '..', 'support', 'lease-node-id.js');

function leaseInProcess(redisUrl: string) {
  const proc = spawn(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH, REDIS_URL: redisUrl },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answer = new Promise<{ nodeId?: number; error?: string }>((resolve) =>
    createInterface({ input: proc.stdout }).on('line', (l) => {
      if (l.startsWith('{')) resolve(JSON.parse(l) as { nodeId?: number; error?: string });
    }),
  );
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return { answer, release: () => (proc.stdin.end(), exited) };
}

describeWith(['redis'], 'snowflake node id leases (real Redis, separate processes)', ({ redis: url }) => {
  let redis: Redis;
  const free = [3, 500, 777, 1023];
  beforeAll(async () => {
    redis = new Redis(url);
    // Occupy every node id but four, so processes starting together really contend for the same few.
    const p = redis.pipeline();
    for (let n = 0; n < 1024; n++)
      if (!free.includes(n)) p.set(`chat:snowflake:node:${n}`, 'test-holder', 'PX', 20_000);
    for (const n of free) p.del(`chat:snowflake:node:${n}`);
    await p.exec();
  });
  afterAll(async () => {
    const p = redis.pipeline();
    for (let n = 0; n < 1024; n++) p.del(`chat:snowflake:node:${n}`);
    await p.exec();
    await redis.quit();
  });

  it('gives processes that start at once different node ids, and refuses when none is free', async () => {
    const procs = Array.from({ length: 5 }, () => leaseInProcess(url));
    const answers = await Promise.all(procs.map((p) => p.answer));
    const ids = answers.filter((a) => a.nodeId !== undefined).map((a) => a.nodeId);
    expect(ids.sort((x, y) => x! - y!)).toEqual(free);
    expect(answers.filter((a) => a.error)).toEqual([
      { error: expect.stringContaining('no free snowflake node id') },
    ]);
    await Promise.all(procs.map((p) => p.release()));
    // Released on shutdown: the ids are free again.
    expect(await redis.exists(...free.map((n) => `chat:snowflake:node:${n}`))).toBe(0);
  });
});
