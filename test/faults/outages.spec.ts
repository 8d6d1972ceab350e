import { Redis } from 'ioredis';
import { Cluster, startCluster } from '../support/cluster';
import {
  OwnCassandra,
  OwnStore,
  startOwnCassandra,
  startOwnPostgres,
  startOwnRedis,
} from '../support/own-stores';
import { ServerProcess } from '../support/process';
import { describeWith } from '../support/services';
import { LoadOracle } from './load-oracle';

/** Stated bounds the suite holds the deployment to. */
const BACK_WITHIN_MS = 2_000;
const CONVERGE_WITHIN_MS = 15_000;
const SEND_EVERY_MS = 120; // 6 senders: about 50 msg/s across the two chat nodes
/** Log lines a process may add during one outage (one per transition, a few warnings; not one per request). */
const LOG_LINES_PER_OUTAGE = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fault {
  name: string;
  down(): Promise<void>;
  /** Brings the store back; absent for a fault with no outage (a flush). */
  up?(): Promise<void>;
  outageMs: number;
}

interface Outcome {
  oracle: LoadOracle;
  downAt: number;
  upAt: number;
  logLines: number[];
  /** What each process logged during the run. */
  logs: string[];
}

/**
 * The fault suite (issue 15): the deployment as processes (api, two chat nodes, presence, worker) on stores of
 * the suite's own (Redis, Postgres and a Cassandra node, so the machine's are never touched), ~50 msg/s of DMs
 * and group messages across the two chat nodes, and a store failing in the middle. After each fault the oracle
 * holds that every ok-acked message is in history exactly once, every device converges (live or after
 * `sync:required`) within CONVERGE_WITHIN_MS, only `unavailable` is answered while the store is down, sends
 * are back within BACK_WITHIN_MS of its return, and no process crashed.
 */
describeWith(['postgres', 'redis', 'cassandra'], 'fault suite: store outages under load', () => {
  let redis: OwnStore;
  let pg: OwnStore;
  let cassandra: OwnCassandra;
  let cluster: Cluster;
  let processes: ServerProcess[];
  const figures: Record<string, unknown>[] = [];

  beforeAll(async () => {
    [redis, pg, cassandra] = await Promise.all([startOwnRedis(), startOwnPostgres(), startOwnCassandra()]);
    cluster = await startCluster({ postgres: pg.url, redis: redis.url, cassandra: cassandra.contactPoint });
    processes = [cluster.api, ...cluster.chat, cluster.presence, cluster.worker];
  }, 180_000);

  afterAll(async () => {
    // The figures the closing note quotes, one line per fault.
    for (const f of figures) process.stdout.write(`fault suite: ${JSON.stringify(f)}\n`);
    // A process that died is the first thing to look at: its last words.
    for (const p of processes ?? [])
      if (p.proc.exitCode !== null || p.proc.signalCode !== null)
        process.stdout.write(
          `fault suite: ${p.url} exited:\n${p.output().split('\n').slice(-40).join('\n')}\n`,
        );
    await cluster?.stop();
    await Promise.all([redis?.destroy(), pg?.destroy(), cassandra?.destroy()]);
  }, 60_000);

  async function underLoad(fault: Fault): Promise<Outcome> {
    const oracle = await LoadOracle.start(cluster.api.url, [cluster.chat[0].url, cluster.chat[1].url]);
    const linesBefore = processes.map((p) => p.output().split('\n').length);
    oracle.run(SEND_EVERY_MS);
    await sleep(2_000);
    const downAt = Date.now();
    await fault.down();
    await sleep(fault.outageMs);
    await fault.up?.();
    const upAt = Date.now();
    await sleep(BACK_WITHIN_MS + 3_000);
    await oracle.stop();
    const logs = processes.map((p, i) =>
      p
        .output()
        .split('\n')
        .slice(linesBefore[i] - 1)
        .join('\n'),
    );
    return { oracle, downAt, upAt, logLines: logs.map((l) => l.split('\n').length), logs };
  }

  async function holdsThePromises(fault: Fault, o: Outcome): Promise<void> {
    const { oracle, downAt, upAt } = o;
    try {
      // Only `unavailable`, and only while the store was down (a send in flight at the kill included).
      const errors = oracle.errors();
      expect(errors.filter((r) => r.outcome.ok === false && r.outcome.code !== 'unavailable')).toEqual([]);
      expect(
        errors.filter((r) => r.startedAt < downAt - 1_000 || r.startedAt > upAt + BACK_WITHIN_MS),
      ).toEqual([]);
      // Sending is back within BACK_WITHIN_MS of the store's return.
      const after = oracle.records.filter((r) => r.startedAt >= upAt + BACK_WITHIN_MS);
      expect(after.length).toBeGreaterThan(10);
      expect(after.every((r) => r.outcome.ok)).toBe(true);
      const firstOk = oracle.records.find((r) => r.startedAt >= upAt && r.outcome.ok);

      // Every ok-acked message is in history exactly once, under the id its ack gave.
      const history = await oracle.historyCounts();
      for (const m of oracle.okAcked()) expect(history.get(`${m.senderId}/${m.clientMsgId}`)).toEqual([m.id]);
      expect([...history.values()].filter((ids) => ids.length > 1)).toEqual([]);

      // Every device holds every acked message of its channels, without being told to sync by the test.
      const convergedMs = await oracle.converged(CONVERGE_WITHIN_MS);

      // No process crashed, and none wrote a line per failed request.
      expect(processes.map((p) => p.proc.exitCode)).toEqual(processes.map(() => null));
      expect(o.logs.filter((l) => l.split('\n').length >= LOG_LINES_PER_OUTAGE)).toEqual([]);

      figures.push({
        fault: fault.name,
        outageMs: upAt - downAt,
        sends: oracle.records.length,
        okAcked: oracle.okAcked().length,
        unavailable: errors.length,
        firstOkAfterReturnMs: firstOk ? firstOk.answeredAt - upAt : null,
        convergedMs,
        syncRequiredPerDevice: oracle.syncRequiredCounts(),
        disconnectsPerDevice: oracle.disconnects(),
        logLinesPerProcess: o.logLines,
      });
    } finally {
      oracle.close();
    }
  }

  it('Redis FLUSHALL: resends of acked messages are not stored again, nothing acked is lost', async () => {
    const flush: Fault = {
      name: 'redis FLUSHALL',
      outageMs: 0,
      down: async () => {
        const c = new Redis(redis.url);
        try {
          await c.flushall();
        } finally {
          c.disconnect();
        }
      },
    };
    const o = await underLoad(flush);
    // The dedupe outlives Redis: the same clientMsgId, even with other content, answers the stored message.
    const resends = await o.oracle.resendAcked(10);
    expect(resends).toHaveLength(10);
    for (const { first, again } of resends) {
      expect(again.outcome).toEqual({ ok: true, message: (first.outcome as { message: unknown }).message });
    }
    expect(o.oracle.errors()).toEqual([]);
    await holdsThePromises(flush, o);
  }, 120_000);

  it('Redis restart (3 s down, back empty): clients are told to sync and converge', async () => {
    const restart: Fault = { name: 'redis restart', outageMs: 3_000, down: redis.stop, up: redis.start };
    const o = await underLoad(restart);
    await holdsThePromises(restart, o);
    // Every device heard that live events may have been lost.
    expect(o.oracle.syncRequiredCounts().every((n) => n >= 1)).toBe(true);
  }, 120_000);

  it('Postgres stopped 8 s and started: only unavailable while down, back within 2 s', async () => {
    const outage: Fault = { name: 'postgres stop/start', outageMs: 8_000, down: pg.stop, up: pg.start };
    await holdsThePromises(outage, await underLoad(outage));
  }, 120_000);

  it('Cassandra stopped and started on its data: only unavailable while down, back within 2 s', async () => {
    const outage: Fault = {
      name: 'cassandra stop/start',
      outageMs: 5_000,
      down: cassandra.stop,
      up: cassandra.resume,
    };
    await holdsThePromises(outage, await underLoad(outage));
  }, 180_000);
});
