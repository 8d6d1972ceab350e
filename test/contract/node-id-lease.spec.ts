import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { LEASE_TIMING } from '../../src/ids/redis-node-id-lease';
import { snowflakeTime } from '../../src/ids/snowflake';
import { OwnStore, startOwnRedis } from '../support/own-stores';
import { describeWith } from '../support/services';
import { until } from '../support/wait';

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

describeWith(['redis'], 'snowflake node id leases when Redis loses its data (own redis-server)', () => {
  let own: OwnStore;
  const spawned: ChildProcess[] = [];
  beforeAll(async () => {
    own = await startOwnRedis();
  });
  afterEach(() => {
    for (const p of spawned.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
  });
  afterAll(() => own.destroy());

  const issuer = (url: string, startOnGo = false) => {
    const proc = spawn(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, REDIS_URL: url, ISSUE_IDS: '1', START_ON_GO: startOnGo ? '1' : '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    spawned.push(proc);
    const lines: Record<string, unknown>[] = [];
    // Nest's logger writes to both streams here: the log is every line that is not a JSON answer.
    let log = '';
    proc.stderr.on('data', (d: Buffer) => (log += d.toString()));
    createInterface({ input: proc.stdout }).on('line', (l) => {
      if (l.startsWith('{')) lines.push(JSON.parse(l) as Record<string, unknown>);
      else log += l + '\n';
    });
    // On a timeout the error carries what the process said, so a failure in CI says why.
    const line = (key: string) =>
      until(
        () => lines.find((l) => key in l),
        (l) => l !== undefined,
        15_000,
        `a line with ${key}`,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; exit ${proc.exitCode}; lines ${JSON.stringify(lines)}; log:\n${log}`);
      }) as Promise<Record<string, unknown>>;
    return {
      line,
      go: () => proc.stdin.write('go\n'),
      log: () => log,
      stop: async () => {
        proc.stdin.end();
        return ((await line('issued')).issued as string[]).map(BigInt);
      },
    };
  };
  const nodeOf = (id: bigint) => Number((id >> 12n) & 1023n);

  it('never lets two processes stamp one node id, even when a flush hands the id to another', async () => {
    const p1 = issuer(own.url);
    const n1 = (await p1.line('nodeId')).nodeId as number;
    await p1.line('issuing');
    // p2 is started and connected first, and leases the moment it is told: within p1's renewal interval after
    // the flush (p1's next renewal would take its id back), however long a process takes to start here.
    const p2 = issuer(own.url, true);
    await p2.line('ready');

    // Redis loses everything, and every node id but p1's is taken at once: a process leasing now must get
    // p1's id, while p1 still believes it holds it.
    const admin = new Redis(own.url);
    const m = admin.multi().flushall();
    for (let n = 0; n < 1024; n++) if (n !== n1) m.set(`chat:snowflake:node:${n}`, 'someone', 'PX', 60_000);
    await m.exec();
    admin.disconnect();
    const flushedAt = Date.now();
    p2.go();
    expect((await p2.line('nodeId')).nodeId).toBe(n1);
    await p2.line('issuing');
    const [ids1, ids2] = [await p1.stop(), await p2.stop()];

    const all = [...ids1, ...ids2];
    expect(new Set(all).size).toBe(all.length);
    // p1 stopped issuing with that node id before p2 started: their times do not even interleave.
    const last1 = ids1.filter((id) => nodeOf(id) === n1).reduce((a, b) => (a > b ? a : b));
    const first2 = ids2.reduce((a, b) => (a < b ? a : b));
    expect(last1 < first2).toBe(true);
    expect(snowflakeTime(last1)).toBeLessThanOrEqual(flushedAt + LEASE_TIMING.validMs);
    expect(p1.log()).toContain(`lost the lease on node id ${n1}`);
  }, 40_000);

  it('takes its own node id back at once after a Redis restart, so ids flow again within a second or two', async () => {
    const p = issuer(own.url);
    const n = (await p.line('nodeId')).nodeId as number;
    await p.line('issuing');
    await own.stop();
    const downAt = Date.now();
    // Down for longer than the lease stays valid: issuing must pause, not go on unfenced.
    await new Promise((r) => setTimeout(r, LEASE_TIMING.validMs + 500));
    await own.start();
    const upAt = Date.now();
    await until(
      () => p.log(),
      (l) => l.includes(`retook node id lease ${n}`),
      5_000,
      'the lease retaken',
    );
    const ids = await p.stop();
    const times = ids.map(snowflakeTime);
    expect(ids.every((id) => nodeOf(id) === n)).toBe(true);
    // No id stamped in the gap past the fence, and the first after it came within 2 s of Redis' return.
    expect(times.filter((t) => t > downAt + LEASE_TIMING.validMs && t < upAt)).toEqual([]);
    const resumed = times.find((t) => t >= upAt);
    expect(resumed).toBeDefined();
    expect(resumed! - upAt).toBeLessThan(2_000);
  }, 40_000);
});
