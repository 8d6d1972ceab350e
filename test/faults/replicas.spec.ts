import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_JWT_SECRET } from '../support/app';
import { Cluster, startCluster } from '../support/cluster';
import { OwnCassandraCluster, startOwnCassandraCluster } from '../support/own-stores';
import { ServerProcess } from '../support/process';
import { describeWith } from '../support/services';
import { LoadOracle } from './load-oracle';

const SEND_EVERY_MS = 120; // 6 senders: about 50 msg/s across the two chat nodes
const CONVERGE_WITHIN_MS = 15_000;
/** How long the load goes on after a replica is back, before the last one returns. */
const RESUME_WITHIN_MS = 6_000;
const ADDRESSES = ['127.0.0.5', '127.0.0.6', '127.0.0.7'];
const MIGRATE = join(__dirname, '..', '..', 'dist', 'cassandra', 'cassandra-migrate.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * History on a Cassandra cluster of the suite's own: three nodes on their own loopback addresses, the keyspace
 * at RF 3 (NetworkTopologyStrategy), every read and write at LOCAL_QUORUM, and the deployment as processes
 * (api, two chat nodes, presence, worker) under ~50 msg/s of DMs and group messages. One replica down is
 * invisible to users; two down is an outage that answers `unavailable` and never acks a message that is not
 * at quorum, and ends by itself when a replica returns.
 */
describeWith(['postgres', 'redis', 'cassandra'], 'fault suite: Cassandra replicas at RF 3', (services) => {
  let ring: OwnCassandraCluster;
  let cluster: Cluster;
  let processes: ServerProcess[];
  const figures: Record<string, unknown>[] = [];

  beforeAll(async () => {
    ring = await startOwnCassandraCluster(ADDRESSES);
    const cassandraEnv = {
      CASSANDRA_CONTACT_POINTS: ring.contactPoints,
      CASSANDRA_KEYSPACE: `chat_rf3_${randomBytes(4).toString('hex')}`,
      CASSANDRA_REPLICATION: 'NetworkTopologyStrategy:datacenter1=3',
      CASSANDRA_CONSISTENCY: 'LOCAL_QUORUM',
    };
    // The one-off migration job first, as a deployment runs it: on a new 3-node cluster every table waits for
    // schema agreement, longer than a process may take to start.
    await promisify(execFile)(process.execPath, [MIGRATE], {
      env: { PATH: process.env.PATH ?? '', JWT_SECRET: TEST_JWT_SECRET, ...cassandraEnv },
    });
    cluster = await startCluster({
      postgres: services.postgres,
      redis: services.redis,
      cassandra: ring.contactPoints,
      cassandraEnv: { ...cassandraEnv, CASSANDRA_MIGRATE_ON_START: 'false' },
    });
    processes = [cluster.api, ...cluster.chat, cluster.presence, cluster.worker];
  }, 300_000);

  afterAll(async () => {
    for (const f of figures) process.stdout.write(`replica faults: ${JSON.stringify(f)}\n`);
    await cluster?.stop();
    await ring?.destroy();
  }, 120_000);

  /** Every ok-acked message is in history exactly once and on every device of its channel; nobody crashed. */
  async function nothingAckedIsLost(oracle: LoadOracle): Promise<number> {
    const history = await oracle.historyCounts();
    const missingOrTwice = oracle
      .okAcked()
      .filter((m) => history.get(`${m.senderId}/${m.clientMsgId}`)?.join() !== m.id);
    expect(missingOrTwice).toEqual([]);
    const convergedMs = await oracle.converged(CONVERGE_WITHIN_MS);
    expect(processes.map((p) => p.proc.exitCode)).toEqual(processes.map(() => null));
    return convergedMs;
  }

  it('one replica stopped mid-load and back: no send fails, none is lost', async () => {
    const oracle = await LoadOracle.start(cluster.api.url, [cluster.chat[0].url, cluster.chat[1].url]);
    try {
      oracle.run(SEND_EVERY_MS);
      await sleep(2_000);
      const downAt = Date.now();
      await ring.stopNode(ADDRESSES[2]);
      await sleep(5_000);
      await ring.resumeNode(ADDRESSES[2]);
      const upAt = Date.now();
      await sleep(3_000);
      await oracle.stop();

      expect(oracle.errors()).toEqual([]);
      const during = oracle.records.filter((r) => r.startedAt >= downAt && r.startedAt <= upAt);
      expect(during.length).toBeGreaterThan(50);
      const convergedMs = await nothingAckedIsLost(oracle);
      figures.push({
        fault: 'one of three replicas stopped',
        downMs: upAt - downAt,
        sends: oracle.records.length,
        sendsWhileDown: during.length,
        okAcked: oracle.okAcked().length,
        failed: oracle.errors().length,
        convergedMs,
      });
    } finally {
      oracle.close();
    }
  }, 240_000);

  it('two replicas stopped: sends answer unavailable, never ok, and work again by themselves when one returns', async () => {
    const oracle = await LoadOracle.start(cluster.api.url, [cluster.chat[0].url, cluster.chat[1].url]);
    try {
      oracle.run(SEND_EVERY_MS);
      await sleep(2_000);
      const downAt = Date.now();
      await Promise.all([ring.stopNode(ADDRESSES[1]), ring.stopNode(ADDRESSES[2])]);
      const allDownAt = Date.now();
      await sleep(8_000);
      // One replica back is quorum again (2 of 3); it counts as a replica once it gossips, before its CQL
      // answers, so the outage ends somewhere between the start command and its readiness.
      const resumeAt = Date.now();
      await ring.resumeNode(ADDRESSES[1]);
      const quorumAt = Date.now();
      await sleep(RESUME_WITHIN_MS);
      const lastBack = ring.resumeNode(ADDRESSES[2]);
      await sleep(2_000);
      await oracle.stop();
      await lastBack;

      // Without quorum nothing is acked ok: every send started and answered in the outage got `unavailable`.
      const noQuorum = oracle.records.filter(
        (r) => r.startedAt >= allDownAt + 1_000 && r.answeredAt <= resumeAt,
      );
      expect(noQuorum.length).toBeGreaterThan(10);
      expect(noQuorum.filter((r) => r.outcome.ok)).toEqual([]);
      expect(
        oracle.errors().filter((r) => r.outcome.ok === false && r.outcome.code !== 'unavailable'),
      ).toEqual([]);
      // Nobody restarted anything: once the replica is back, every send works.
      const firstOk = oracle.records.find((r) => r.startedAt >= resumeAt && r.outcome.ok);
      expect(firstOk).toBeDefined();
      const afterQuorum = oracle.records.filter((r) => r.startedAt >= quorumAt + 2_000);
      expect(afterQuorum.length).toBeGreaterThan(10);
      expect(afterQuorum.every((r) => r.outcome.ok)).toBe(true);
      const convergedMs = await nothingAckedIsLost(oracle);
      figures.push({
        fault: 'two of three replicas stopped',
        stoppedMs: resumeAt - downAt,
        replicaStartMs: quorumAt - resumeAt,
        sends: oracle.records.length,
        okAcked: oracle.okAcked().length,
        unavailable: oracle.errors().length,
        sendsWithoutQuorum: noQuorum.length,
        okWithoutQuorum: noQuorum.filter((r) => r.outcome.ok).length,
        firstOkAfterReplicaStartMs: firstOk!.answeredAt - resumeAt,
        convergedMs,
      });
    } finally {
      oracle.close();
    }
  }, 300_000);
});
