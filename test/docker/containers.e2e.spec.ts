import { writeFileSync } from 'node:fs';
import {
  ChatClient,
  ChatHttpClient,
  ChatMessage,
  ChatSocket,
  Message,
  PresenceUpdate,
} from '@chat-server/client';
import { aUser, Inbox, TestUser } from '../support/builders';
import { until } from '../support/wait';
import { AppRole, Deployment, startDeployment } from './deployment';

/**
 * The role containers for real: chat-server:local (docker/Dockerfile on the local Node 24 base) as api, two
 * chat nodes, presence and worker, on Postgres, Redis and Cassandra containers, all with host networking.
 * Run by `npm run test:docker` (scripts/docker-test.sh), never by `npm test`.
 */
const sent = (ack: Awaited<ReturnType<ChatSocket['send']>>): ChatMessage => {
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code} ${ack.error.message}`);
  return ack.message;
};

async function connect(url: string, u: TestUser) {
  const socket = await new ChatSocket(url, { token: u.accessToken }).connected();
  const messages = new Inbox<ChatMessage>();
  const presence = new Inbox<PresenceUpdate>();
  socket.on('message:new', messages.push);
  socket.on('presence:update', presence.push);
  return { socket, messages, presence };
}

/** Every message of a user's change log from the start, page by page, as the server answers it. */
async function syncedFromStart(http: ChatHttpClient): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await http.sync({ after, limit: 500 });
    ids.push(...page.messages.map((m) => m.id));
    after = page.cursor;
    if (!page.hasMore) return ids;
  }
}

async function historyOf(http: ChatHttpClient, channelId: string): Promise<string[]> {
  const ids: string[] = [];
  let before: string | undefined;
  do {
    const page = await http.history(channelId, { before, limit: 100 });
    ids.push(...page.messages.map((m) => m.id));
    before = page.nextBefore ?? undefined;
  } while (before);
  return ids;
}

const count = (ids: string[]): Map<string, number> =>
  ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

describe('role containers (docker, host networking)', () => {
  let dep: Deployment;
  let http: ChatHttpClient;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    const t0 = Date.now();
    dep = await startDeployment();
    console.log(
      `deployment up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ` +
        Object.entries(dep.timings)
          .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
          .join(', '),
    );
    http = new ChatHttpClient(dep.apiUrl);
    await until(
      () => dep.consul.services.size,
      (n) => n === 2,
      10_000,
      'two chat nodes in Consul',
    );
  }, 420_000);

  afterAll(async () => {
    open.forEach((s) => s.close());
    await dep?.remove();
  }, 120_000);

  it('sends DMs and group messages across the two chat nodes; presence crosses nodes', async () => {
    const [a, b, c] = await Promise.all([aUser(http), aUser(http), aUser(http)]);
    const r = await a.http.requestFriend(b.user.id);
    await b.http.acceptFriend(r.id);
    const b2 = await connect(dep.chatUrls[1], b);
    const a1 = await connect(dep.chatUrls[0], a);
    open.push(a1.socket, b2.socket);
    await until(
      () => b2.presence.items,
      (p) => p.some((x) => x.userId === a.user.id && x.status === 'online'),
      5000,
      'online',
    );
    const ab = sent(await a1.socket.send({ clientMsgId: 'x1', to: b.user.id, content: 'from node 1' }));
    const ba = sent(await b2.socket.send({ clientMsgId: 'x2', to: a.user.id, content: 'from node 2' }));
    expect((await b2.messages.atLeast(1))[0]).toEqual(ab);
    expect((await a1.messages.atLeast(1))[0]).toEqual(ba);

    const group = await a.http.createGroup({ name: 'cross', memberIds: [b.user.id, c.user.id] });
    const g1 = sent(
      await a1.socket.send({ clientMsgId: 'g1', channelId: group.id, content: 'group from 1' }),
    );
    const g2 = sent(
      await b2.socket.send({ clientMsgId: 'g2', channelId: group.id, content: 'group from 2' }),
    );
    await until(
      () => b2.messages.items,
      (m) => m.some((x) => x.id === g1.id),
      5000,
      'group message 1 on node 2',
    );
    await until(
      () => a1.messages.items,
      (m) => m.some((x) => x.id === g2.id),
      5000,
      'group message 2 on node 1',
    );
    // c was never connected: the worker's fan-out put both in its change log
    expect((await c.http.sync()).messages.map((m) => m.id)).toEqual(expect.arrayContaining([g1.id, g2.id]));

    // a leaves; the presence container tells b on node 2
    a1.socket.close();
    await until(
      () => b2.presence.items,
      (p) => p.some((x) => x.userId === a.user.id && x.status === 'offline'),
      8000,
      'offline',
    );
  });

  it('bans a user connected to the other chat node (admin from ADMIN_USERNAMES)', async () => {
    const admin = await aUser(http, { username: dep.adminName });
    const victim = await aUser(http);
    const v2 = await connect(dep.chatUrls[1], victim);
    open.push(v2.socket);
    const gone = new Promise((resolve) => v2.socket.socket.once('disconnect', resolve));
    const t0 = Date.now();
    await admin.http.call('POST', `/api/admin/users/${victim.user.id}/ban`);
    await gone;
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(victim.http.me()).rejects.toThrow();
  });

  it('loses no acked message in a rolling restart (SIGTERM to each role container in turn)', async () => {
    const users = await Promise.all([0, 1, 2, 3].map(() => aUser(http)));
    const group = await users[0].http.createGroup({
      name: 'rolling',
      memberIds: users.slice(1).map((u) => u.user.id),
    });
    // Each client keeps the time it spent without a chat node (not 'connected') while the roles restart.
    const gaps: number[][] = users.map(() => []);
    const clients = users.map((u, i) => {
      const client = new ChatClient({ baseUrl: dep.apiUrl, session: u, heartbeatMs: 1000 });
      let lost: number | undefined;
      client.on('connection', (state) => {
        if (state !== 'connected') lost ??= Date.now();
        else if (lost !== undefined) {
          gaps[i].push(Date.now() - lost);
          lost = undefined;
        }
      });
      open.push(client);
      return client;
    });
    await Promise.all(clients.map((c) => c.connect()));
    const nodes = new Set(clients.map((c) => c.nodeUrl));

    // Every client sends all through the restarts: DMs to the next user and messages to the group. Each acked
    // send is kept with the users it is for.
    const acked: { m: Message; for: number[]; by: number }[] = [];
    let failed = 0;
    let sending = true;
    const senders = clients.map(async (client, i) => {
      for (let n = 0; sending; n++) {
        const to = (i + 1) % users.length;
        const dm = n % 2 === 1;
        try {
          const m = await client.send(
            dm
              ? { to: users[to].user.id, content: `dm ${i}.${n}` }
              : { channelId: group.id, content: `g ${i}.${n}` },
            20,
          );
          acked.push({ m, by: i, for: dm ? [i, to] : users.map((_, k) => k) });
        } catch {
          failed++;
        }
        // a steady stream, ~6 sends per second per client, not a flood the rate limit refuses
        await new Promise((r) => setTimeout(r, 150));
      }
    });

    const order: AppRole[] = ['chat-1', 'chat-2', 'api', 'presence', 'worker'];
    const restarts: Record<string, { stoppedMs: number; downMs: number; exitCode: string }> = {};
    const t0 = Date.now();
    for (const role of order) {
      const before = acked.length;
      restarts[role] = await dep.restart(role);
      // traffic went on before the next role goes down
      await until(
        () => acked.length,
        (n) => n >= before + 8,
        30_000,
        `sends acked after ${role} restarted`,
      );
    }
    const rollingSeconds = (Date.now() - t0) / 1000;
    sending = false;
    await Promise.all(senders);

    // Server side: each conversation's history (read by a member) and each user's change log from the start.
    const memberOf = new Map(acked.map((a) => [a.m.channelId, a.by]));
    const inHistory = count(
      (await Promise.all([...memberOf].map(([ch, by]) => historyOf(users[by].http, ch)))).flat(),
    );
    const missingFromHistory = acked.filter((a) => inHistory.get(a.m.id) !== 1).map((a) => a.m.id);
    const perUser = await Promise.all(users.map((u) => syncedFromStart(u.http)));
    const syncedOnce = perUser.map((ids, i) => {
      const c = count(ids);
      return {
        duplicates: [...c.values()].filter((n) => n > 1).length,
        missing: acked.filter((a) => a.for.includes(i) && c.get(a.m.id) !== 1).map((a) => a.m.id),
      };
    });
    // Client side: every acked message for a user is in that client's store (live or by its own sync).
    await Promise.all(clients.map((c) => c.sync()));
    const notInStore = clients.map((c, i) =>
      acked.filter((a) => a.for.includes(i) && !c.messages.get(a.m.channelId, a.m.id)).map((a) => a.m.id),
    );

    const allGaps = gaps.flat();
    const figures = {
      nodesAtStart: nodes.size,
      rollingSeconds,
      restarts,
      acked: acked.length,
      failedSends: failed,
      inHistory: acked.length - missingFromHistory.length,
      inEveryStore: notInStore.every((x) => x.length === 0),
      syncedExactlyOnce: syncedOnce.every((s) => s.duplicates === 0 && s.missing.length === 0),
      withoutNodeSeconds: {
        perClientTotal: gaps.map((g) => g.reduce((s, x) => s + x, 0) / 1000),
        longest: Math.max(0, ...allGaps) / 1000,
        gaps: allGaps.length,
      },
    };
    console.log(`rolling restart: ${JSON.stringify(figures, null, 2)}`);
    if (process.env.DOCKER_TEST_FIGURES)
      writeFileSync(process.env.DOCKER_TEST_FIGURES, JSON.stringify(figures, null, 2));

    expect(missingFromHistory).toEqual([]);
    expect(syncedOnce).toEqual(users.map(() => ({ duplicates: 0, missing: [] })));
    expect(notInStore).toEqual(users.map(() => []));
    expect(acked.length).toBeGreaterThan(40);
    // SIGTERM is a clean exit for every role (graceful shutdown), not a kill after the grace period.
    expect(Object.values(restarts).map((r) => r.exitCode)).toEqual(order.map(() => '0'));
  }, 600_000);
});
