import { FAULTS } from '../../src/fault-injection/faults';
import { until } from '../support/wait';
import { ChatSocket } from '@chat-server/client';
import type { ChatMessage } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, Inbox, TestUser, uniqueName, devicesPerTest } from '../support/builders';

const ADMIN = uniqueName('root_');

describe.each(e2eStacks('admin e2e', { cassandra: false }))('admin API ($name)', ({ name, env }) => {
  let app: RunningApp;
  let admin: TestUser;
  const device = devicesPerTest(() => app.url);

  beforeAll(async () => {
    app = await startApp({
      ...env,
      ADMIN_USERNAMES: ADMIN,
      CHAT_TEST_HOOKS: 'true',
      JOB_ATTEMPTS: '2',
      JOB_BACKOFF_MS: '20',
    });
    admin = await aUser(app.http, { username: ADMIN });
  });
  afterAll(() => app.close());

  it('answers 403 forbidden to a non-admin on every admin call', async () => {
    const u = await aUser(app.http);
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/users'],
      ['GET', `/api/admin/users/${u.user.id}`],
      ['POST', `/api/admin/users/${admin.user.id}/ban`],
      ['POST', `/api/admin/users/${admin.user.id}/unban`],
      ['POST', `/api/admin/users/${admin.user.id}/logout`],
      ['PUT', `/api/admin/users/${u.user.id}/role`, { role: 'admin' }],
      ['GET', '/api/admin/groups'],
      ['GET', '/api/admin/groups/x'],
      ['DELETE', '/api/admin/groups/x'],
      ['GET', '/api/admin/chat-nodes'],
      ['GET', '/api/admin/queues'],
      ['GET', '/api/admin/queues/fanout/failed'],
      ['POST', '/api/admin/queues/fanout/failed/x/retry'],
      ['GET', '/api/admin/stats'],
      ['POST', '/api/admin/announcements', { text: 'hi' }],
      ['GET', '/api/admin/audit'],
    ];
    for (const [method, path, body] of calls) {
      await expect(u.http.call(method, path, body)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    }
    await expect(app.http.call('GET', '/api/admin/users')).rejects.toMatchObject({ status: 401 });
  });

  it('lists users with paging and search, and shows one', async () => {
    const prefix = uniqueName('adm');
    const made = await Promise.all([1, 2, 3].map((i) => aUser(app.http, { username: `${prefix}_${i}` })));
    const page1 = await admin.http.call<{ users: { username: string }[]; total: number }>(
      'GET',
      `/api/admin/users?search=${prefix}&limit=2`,
    );
    expect(page1.total).toBe(3);
    expect(page1.users.map((u) => u.username)).toEqual([`${prefix}_1`, `${prefix}_2`]);
    const page2 = await admin.http.call<{ users: { username: string }[] }>(
      'GET',
      `/api/admin/users?search=${prefix}&limit=2&offset=2`,
    );
    expect(page2.users.map((u) => u.username)).toEqual([`${prefix}_3`]);
    const one = await admin.http.call('GET', `/api/admin/users/${made[0].user.id}`);
    expect(one).toMatchObject({ id: made[0].user.id, role: 'user', banned: false, status: 'offline' });
    await expect(admin.http.call('GET', '/api/admin/users/nope')).rejects.toMatchObject({ status: 404 });
  });

  it('bans a user everywhere at once: sockets, REST, login, refresh; unban restores login', async () => {
    const u = await aUser(app.http);
    const s = await device(u);
    const dropped = new Promise((resolve) => s.socket.once('disconnect', resolve));
    const started = Date.now();
    expect(await admin.http.call('POST', `/api/admin/users/${u.user.id}/ban`)).toMatchObject({
      banned: true,
    });
    await dropped;
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(u.http.me()).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(app.http.login({ username: u.user.username, password: u.password })).rejects.toMatchObject({
      status: 403,
    });
    await expect(app.http.refresh(u.refreshToken)).rejects.toMatchObject({ status: 401 });
    await expect(new ChatSocket(app.url, { token: u.accessToken }).connected()).rejects.toThrow('forbidden');
    await admin.http.call('POST', `/api/admin/users/${u.user.id}/unban`);
    const again = await app.http.login({ username: u.user.username, password: u.password });
    expect(await app.http.withToken(again.accessToken).me()).toEqual(u.user);
    const audit = await admin.http.call<{ action: string; targetId: string; actorId: string }[]>(
      'GET',
      '/api/admin/audit?limit=10',
    );
    expect(audit.filter((e) => e.targetId === u.user.id).map((e) => e.action)).toEqual([
      'user.unban',
      'user.ban',
    ]);
    expect(audit[0].actorId).toBe(admin.user.id);
  });

  it('grants the admin role at run time and revokes it: both count from the next request, audited', async () => {
    const u = await aUser(app.http);
    await expect(u.http.call('GET', '/api/admin/stats')).rejects.toMatchObject({ status: 403 });
    expect(
      await admin.http.call('PUT', `/api/admin/users/${u.user.id}/role`, { role: 'admin' }),
    ).toMatchObject({ id: u.user.id, role: 'admin' });
    // The same access token, signed when the user was not an admin: the store's role counts.
    await expect(u.http.call('GET', '/api/admin/stats')).resolves.toMatchObject({ chatNodes: 1 });
    // It lasts a sign-in (ADMIN_USERNAMES does not name the user and does not take it away).
    const again = await app.http.login({ username: u.user.username, password: u.password });
    expect(JSON.parse(Buffer.from(again.accessToken.split('.')[1], 'base64url').toString())).toMatchObject({
      role: 'admin',
    });
    await admin.http.call('PUT', `/api/admin/users/${u.user.id}/role`, { role: 'user' });
    await expect(u.http.call('GET', '/api/admin/stats')).rejects.toMatchObject({ status: 403 });
    const audit = await admin.http.call<{ action: string; targetId: string; actorId: string }[]>(
      'GET',
      '/api/admin/audit?limit=2',
    );
    expect(audit.map((e) => [e.action, e.targetId, e.actorId])).toEqual([
      ['user.revoke-admin', u.user.id, admin.user.id],
      ['user.grant-admin', u.user.id, admin.user.id],
    ]);
  });

  it('refuses a role change that is malformed, on no one, of oneself, or against the configuration', async () => {
    const u = await aUser(app.http);
    const role = (id: string, body: unknown) => admin.http.call('PUT', `/api/admin/users/${id}/role`, body);
    await expect(role(u.user.id, { role: 'owner' })).rejects.toMatchObject({ status: 400 });
    await expect(role(u.user.id, {})).rejects.toMatchObject({ status: 400 });
    await expect(role('nope', { role: 'admin' })).rejects.toMatchObject({ status: 404 });
    await role(u.user.id, { role: 'admin' });
    // The configured admin cannot lose the role here, nor can anyone revoke their own.
    await expect(
      u.http.call('PUT', `/api/admin/users/${admin.user.id}/role`, { role: 'user' }),
    ).rejects.toMatchObject({ status: 409, code: 'conflict' });
    await expect(
      u.http.call('PUT', `/api/admin/users/${u.user.id}/role`, { role: 'user' }),
    ).rejects.toMatchObject({
      status: 400,
    });
    await role(u.user.id, { role: 'user' });
  });

  it('forces a logout: refresh tokens revoked, sockets disconnected', async () => {
    const u = await aUser(app.http);
    const s = await device(u);
    const dropped = new Promise((resolve) => s.socket.once('disconnect', resolve));
    await admin.http.call('POST', `/api/admin/users/${u.user.id}/logout`);
    await dropped;
    await expect(app.http.refresh(u.refreshToken)).rejects.toMatchObject({ status: 401 });
  });

  it('lists, shows and deletes groups', async () => {
    const [o, m] = await Promise.all([aUser(app.http), aUser(app.http)]);
    const g = await o.http.createGroup({ name: 'doomed', memberIds: [m.user.id] });
    const list = await admin.http.call<{ groups: { id: string }[]; total: number }>(
      'GET',
      '/api/admin/groups?limit=100',
    );
    expect(list.groups.map((x) => x.id)).toContain(g.id);
    expect(await admin.http.call('GET', `/api/admin/groups/${g.id}`)).toEqual(g);
    await admin.http.call('DELETE', `/api/admin/groups/${g.id}`);
    await expect(o.http.group(g.id)).rejects.toMatchObject({ status: 404 });
    expect(await m.http.groups()).toEqual([]);
  });

  it('reports live stats and sends announcements to everyone connected', async () => {
    const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
    const sa = await device(a);
    const sb = await device(b);
    const heard = new Promise((resolve) => sb.on('system:announcement', resolve));
    const sent = await sa.send({ clientMsgId: 'stat', to: b.user.id, content: 'counted' });
    if (!sent.ok) throw new Error(sent.error.code);
    expect(await sb.read({ channelId: sent.message.channelId, messageId: sent.message.id })).toEqual({
      ok: true,
    });
    type Stats = {
      onlineUsers: number;
      connections: number;
      messagesPerSecond: number;
      readMarkersPerSecond: number;
    };
    const stats = await until(
      () => admin.http.call<Stats>('GET', '/api/admin/stats'),
      (s) => s.messagesPerSecond > 0 && s.readMarkersPerSecond > 0,
      4000,
      'the message and the read marker counted in the last minute',
    );
    expect(stats.onlineUsers).toBeGreaterThanOrEqual(2);
    const nodes = await admin.http.call<{ url: string; connections: number; health: string }[]>(
      'GET',
      '/api/admin/chat-nodes',
    );
    expect(nodes).toEqual([
      expect.objectContaining({ url: app.url, health: 'passing', connections: expect.any(Number) }),
    ]);
    expect(stats.connections).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    for (const name of [
      'chat_socket_connections',
      'chat_messages_sent_total',
      'chat_messages_delivered_total',
      'chat_send_to_ack_seconds_bucket',
      'chat_queue_jobs{',
      'chat_users_online',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).not.toContain('counted'); // no message text in metrics
    const { at } = await admin.http.call<{ at: string }>('POST', '/api/admin/announcements', {
      text: 'maintenance at 22:00',
    });
    expect(await heard).toEqual({ text: 'maintenance at 22:00', at });
  });

  it('shows queue counts; a failed fan-out job is listed and, retried, delivers', async () => {
    const queues = await admin.http.call<Record<string, { failed: number }>>('GET', '/api/admin/queues');
    expect(Object.keys(queues).sort()).toEqual(['fanout', 'push']);
    if (name === 'embedded') return; // the embedded server fans out before the ack: no fan-out jobs to fail
    const [o, m] = await Promise.all([aUser(app.http), aUser(app.http)]);
    const g = await o.http.createGroup({ name: 'retry', memberIds: [m.user.id] });
    const box = new Inbox<ChatMessage>();
    (await device(m)).on('message:new', box.push);
    const sent = await (
      await device(o)
    ).send({ clientMsgId: 'f1', channelId: g.id, content: `${FAULTS.failFanout} then works` });
    const id = sent.ok ? sent.message.id : '';
    const failed = await until(
      () =>
        admin.http.call<{ jobId: string; payload: { messageId: string } }[]>(
          'GET',
          '/api/admin/queues/fanout/failed',
        ),
      (list) => list.some((j) => j.payload.messageId === id),
      10_000,
      'the job in the failed list',
    );
    const job = failed.find((j) => j.payload.messageId === id)!;
    expect(box.items).toEqual([]);
    await admin.http.call('POST', `/api/admin/queues/fanout/failed/${encodeURIComponent(job.jobId)}/retry`);
    expect((await box.atLeast(1, 10_000))[0].id).toBe(id);
    expect((await m.http.sync()).messages.map((x) => x.id)).toContain(id);
  });
});
