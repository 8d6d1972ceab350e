import { until } from '../support/wait';
import {
  ChatClient,
  ChatHttpClient,
  ChatMessage,
  ChatSocket,
  MessageUpdate,
  PresenceUpdate,
  ReadSignal,
  TypingSignal,
} from '@chat-server/client';
import { Cluster, startCluster } from '../support/cluster';
import { aUser, Inbox, TestUser } from '../support/builders';
import { describeWith } from '../support/services';

interface Device {
  socket: ChatSocket;
  messages: Inbox<ChatMessage>;
  presence: Inbox<PresenceUpdate>;
}

async function connect(url: string, u: TestUser): Promise<Device> {
  const socket = await new ChatSocket(url, { token: u.accessToken }).connected();
  const messages = new Inbox<ChatMessage>();
  const presence = new Inbox<PresenceUpdate>();
  socket.on('message:new', messages.push);
  socket.on('presence:update', presence.push);
  return { socket, messages, presence };
}

const sent = (ack: Awaited<ReturnType<ChatSocket['send']>>): ChatMessage => {
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code} ${ack.error.message}`);
  return ack.message;
};

describeWith(
  ['postgres', 'redis', 'cassandra'],
  'cluster: api + 2 chat + presence + worker as processes',
  (services) => {
    let cluster: Cluster;
    let http: ChatHttpClient;
    let a: TestUser, b: TestUser, c: TestUser;
    const open: ChatSocket[] = [];
    const device = async (url: string, u: TestUser) => {
      const d = await connect(url, u);
      open.push(d.socket);
      return d;
    };

    beforeAll(async () => {
      cluster = await startCluster(services);
      http = new ChatHttpClient(cluster.api.url);
      [a, b, c] = await Promise.all([aUser(http), aUser(http), aUser(http)]);
      const r = await a.http.requestFriend(b.user.id);
      await b.http.acceptFriend(r.id);
      // Both chat nodes registered in discovery.
      await until(
        () => cluster.consul.services.size,
        (n) => n === 2,
        10_000,
        'two chat nodes in Consul',
      );
    }, 120_000);
    afterAll(async () => {
      open.forEach((s) => s.close());
      await cluster?.stop();
    });

    it('sends DMs and group messages across the two chat nodes, both ways, and presence crosses nodes', async () => {
      const [node1, node2] = cluster.chat;
      const b2 = await device(node2.url, b);
      const a1 = await device(node1.url, a);
      // A came online on node 1; B hears it on node 2.
      await until(
        () => b2.presence.items,
        (p) => p.some((x) => x.userId === a.user.id && x.status === 'online'),
        3000,
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
      const cInbox = (await c.http.sync()).messages.map((m) => m.id);
      expect(cInbox).toEqual(expect.arrayContaining([g1.id, g2.id]));

      // A leaves; the presence process (no sockets of its own) tells B on node 2.
      a1.socket.close();
      await until(
        () => b2.presence.items,
        (p) => p.some((x) => x.userId === a.user.id && x.status === 'offline'),
        8000,
        'offline',
      );
    });

    it('counts two members reacting at once on two chat nodes; message:updated and typing cross nodes', async () => {
      const [node1, node2] = cluster.chat;
      const g = await a.http.createGroup({ name: 'reactions', memberIds: [b.user.id, c.user.id] });
      const [a1, b2, c1] = [
        await device(node1.url, a),
        await device(node2.url, b),
        await device(node1.url, c),
      ];
      const updates = new Inbox<MessageUpdate>();
      a1.socket.onUpdated(updates.push);
      const typing = new Inbox<TypingSignal>();
      a1.socket.on('typing', typing.push);
      const m = sent(await c1.socket.send({ clientMsgId: 'react-race', channelId: g.id, content: 'react!' }));
      const target = { channelId: g.id, messageId: m.id, emoji: '🎉' };
      const [ra, rb] = await Promise.all([a1.socket.react(target), b2.socket.react(target)]);
      expect([ra.ok, rb.ok]).toEqual([true, true]);
      const final = await c.http.history(g.id);
      expect(final.messages[0].reactions).toHaveLength(1);
      expect([...final.messages[0].reactions![0].userIds].sort()).toEqual([a.user.id, b.user.id].sort());
      // a's device on node 1 hears both, b's change from node 2 included
      const heard = await updates.atLeast(2);
      expect(heard.map((u) => u.message.id)).toEqual([m.id, m.id]);
      // typing crosses nodes the same way
      expect(await b2.socket.typing(g.id)).toEqual({ ok: true });
      expect(await typing.atLeast(1)).toEqual([{ channelId: g.id, userId: b.user.id }]);
    });

    it('keeps read markers forward when two devices of one user race on two chat nodes; receipts cross nodes', async () => {
      const [node1, node2] = cluster.chat;
      const g = await a.http.createGroup({ name: 'read race', memberIds: [b.user.id, c.user.id] });
      const [a1, b1, b2] = [
        await device(node1.url, a),
        await device(node1.url, b),
        await device(node2.url, b),
      ];
      const reads = new Inbox<ReadSignal>();
      a1.socket.onRead(reads.push);
      const ms: ChatMessage[] = [];
      for (let i = 0; i < 6; i++)
        ms.push(sent(await a1.socket.send({ clientMsgId: `race-${i}`, channelId: g.id, content: `m${i}` })));
      // b's two devices read concurrently, each walking forward through the messages in its own order
      const walk = (d: Device, order: number[]) =>
        order.reduce(
          (p, i) =>
            p.then(async () =>
              expect(await d.socket.read({ channelId: g.id, messageId: ms[i].id })).toEqual({ ok: true }),
            ),
          Promise.resolve(),
        );
      await Promise.all([walk(b1, [0, 2, 4, 5]), walk(b2, [1, 3, 5, 2])]);
      const mine = (await b.http.listConversations()).channels.find((x) => x.channelId === g.id)!;
      expect(mine).toMatchObject({ readUpTo: ms[5].id, unreadCount: 0 });
      // a (on node 1) hears the moves, the ones made on node 2 included
      await until(
        () => reads.items,
        (r) => r.some((x) => x.messageId === ms[5].id),
        5000,
        'the receipt of the newest message',
      );
      // every move went forward: no message was moved to twice (events of two nodes may arrive in any order)
      const seen = reads.items.filter((r) => r.userId === b.user.id).map((r) => r.messageId);
      expect(new Set(seen).size).toBe(seen.length);
      const page = await a.http.sync({ after: ms[5].id });
      expect(page.receipts).toEqual([{ channelId: g.id, userId: b.user.id, messageId: ms[5].id }]);
    });

    it('bans a user connected to the other chat node within 2 s', async () => {
      const admin = await aUser(http, { username: cluster.adminName });
      const victim = await aUser(http);
      const v2 = await device(cluster.chat[1].url, victim);
      const gone = new Promise((resolve) => v2.socket.socket.once('disconnect', resolve));
      const t0 = Date.now();
      await admin.http.call('POST', `/api/admin/users/${victim.user.id}/ban`);
      await gone;
      expect(Date.now() - t0).toBeLessThan(2000);
    });

    it('survives a worker restart: a fan-out job queued while no worker runs is delivered after', async () => {
      await cluster.worker.kill('SIGTERM');
      const group = await a.http.createGroup({ name: 'restart', memberIds: [c.user.id] });
      const a1 = await device(cluster.chat[0].url, a);
      const msg = sent(
        await a1.socket.send({ clientMsgId: 'w1', channelId: group.id, content: 'while the worker is down' }),
      );
      cluster.worker = await cluster.start('worker');
      await until(
        () => c.http.sync(),
        (p) => p.messages.some((m) => m.id === msg.id),
        15_000,
        'delivered after restart',
      );
    });

    it('loses nothing when a chat node dies: it leaves discovery, clients reconnect through it and sync', async () => {
      const [node1, node2] = cluster.chat;
      const a1 = await device(node1.url, a);
      const b2 = await device(node2.url, b);
      const cursor = (await b.http.sync({ limit: 500 })).cursor;
      const acked: string[] = [];
      for (let i = 0; i < 10; i++)
        acked.push(
          sent(await a1.socket.send({ clientMsgId: `k${i}`, to: b.user.id, content: `before ${i}` })).id,
        );
      await until(
        () => b2.messages.items,
        (m) => acked.every((id) => m.some((x) => x.id === id)),
        5000,
        'live before the kill',
      );

      const node2Check = () => {
        const service = [...cluster.consul.services.values()].find((s) => s.Meta.url === node2.url);
        return service ? cluster.consul.checks.get(service.checks[0])?.Status : 'gone';
      };
      expect(node2Check()).toBe('passing');
      const killedAt = Date.now();
      await node2.kill('SIGKILL');
      for (let i = 10; i < 20; i++)
        acked.push(
          sent(await a1.socket.send({ clientMsgId: `k${i}`, to: b.user.id, content: `during ${i}` })).id,
        );

      // Node 2 stops passing its TTL check and leaves the pick; discovery sends B to node 1.
      await until(node2Check, (st) => st !== 'passing', 10_000, 'node 2 failing its TTL check');
      expect(Date.now() - killedAt).toBeGreaterThan(1000); // the TTL expired; nothing deregistered it
      for (let i = 0; i < 5; i++) expect((await b.http.chatNode()).url).toBe(node1.url);
      const picked = await b.http.chatNode();
      const b1 = await device(picked.url, b);
      for (let i = 20; i < 25; i++)
        acked.push(
          sent(await a1.socket.send({ clientMsgId: `k${i}`, to: b.user.id, content: `after ${i}` })).id,
        );
      const synced: string[] = [];
      let after: string | undefined = cursor;
      for (;;) {
        const page = await b1.socket.sync({ after, limit: 7 });
        if (!page.ok) throw new Error(page.error.message);
        synced.push(...page.messages.map((m) => m.id));
        after = page.cursor;
        if (!page.hasMore) break;
      }
      expect(synced).toEqual(acked); // every acked message, once, in order
      const live = await b1.messages.atLeast(5);
      expect(new Set(live.map((m) => m.id)).size).toBe(live.length);
    });

    it('the SDK moves off a draining chat node through discovery and resumes: nothing lost, nothing twice', async () => {
      // A fresh node with no connections: discovery sends the next client there (the lowest load).
      const node3 = await cluster.start('chat', {
        DATABASE_MIGRATE_ON_START: 'false',
        CASSANDRA_MIGRATE_ON_START: 'false',
      });
      await until(
        () => [...cluster.consul.services.values()].some((s) => s.Meta.url === node3.url),
        (there) => there,
        10_000,
        'node 3 in Consul',
      );
      const [sender, receiver] = await Promise.all([aUser(http), aUser(http)]);
      const session = (u: TestUser) => ({ accessToken: u.accessToken, refreshToken: u.refreshToken });
      const sdk = new ChatClient({
        baseUrl: cluster.api.url,
        session: session(receiver),
        reconnect: { maxDelayMs: 1_000 },
      });
      const from = new ChatClient({ baseUrl: cluster.api.url, session: session(sender) });
      try {
        sdk.user = receiver.user;
        from.user = sender.user;
        await Promise.all([sdk.connect(), from.connect()]);
        expect(sdk.nodeUrl).toBe(node3.url);
        const heard: ChatMessage[] = [];
        sdk.on('messages', (ms) => heard.push(...ms));

        const acked: string[] = [];
        const send = async (text: string) =>
          acked.push((await from.send({ to: receiver.user.id, content: text })).id);
        for (let i = 0; i < 5; i++) await send(`before ${i}`);
        const drained = node3.kill('SIGTERM');
        for (let i = 0; i < 5; i++) await send(`while draining ${i}`);
        await drained;
        for (let i = 0; i < 5; i++) await send(`after ${i}`);

        const channelId = heard[0]?.channelId ?? '';
        await until(
          () => sdk.messages.list(channelId).length,
          (n) => n >= acked.length,
          15_000,
          'every message on the SDK client',
        );
        expect(sdk.nodeUrl).not.toBe(node3.url);
        expect(sdk.state).toBe('connected');
        expect(sdk.messages.list(channelId).map((m) => m.id)).toEqual(acked);
        expect(new Set(heard.map((m) => m.id)).size).toBe(heard.length);
      } finally {
        sdk.close();
        from.close();
      }
    });
  },
);
