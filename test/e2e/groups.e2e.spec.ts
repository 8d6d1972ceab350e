import type { ChatMessage, ChatSocket, Group } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, Inbox, TestUser, devicesPerTest } from '../support/builders';

const ok = <T extends { ok: boolean }>(ack: T): Extract<T, { ok: true }> => {
  expect(ack).toMatchObject({ ok: true });
  return ack as Extract<T, { ok: true }>;
};

describe.each(e2eStacks('groups e2e'))('group chat ($name)', ({ env }) => {
  let app: RunningApp;
  let owner: TestUser;
  let users: TestUser[];
  const device = devicesPerTest(() => app.url);
  const listen = (s: ChatSocket) => {
    const box = new Inbox<ChatMessage>();
    s.on('message:new', box.push);
    return box;
  };

  beforeAll(async () => {
    app = await startApp(env);
    owner = await aUser(app.http);
    users = [];
    for (let i = 0; i < 10; i++)
      users.push(...(await Promise.all(Array.from({ length: 10 }, () => aUser(app.http)))));
  }, 120_000);
  afterAll(() => app.close());

  const aGroup = (members: TestUser[]): Promise<Group> =>
    owner.http.createGroup({ name: 'team', memberIds: members.map((m) => m.user.id) });

  it('creates a group with roles and lists it for its members only', async () => {
    const g = await aGroup(users.slice(0, 3));
    expect(g).toMatchObject({ name: 'team', ownerId: owner.user.id });
    expect(g.members).toEqual(
      expect.arrayContaining([
        { userId: owner.user.id, role: 'owner' },
        ...users.slice(0, 3).map((u) => ({ userId: u.user.id, role: 'member' })),
      ]),
    );
    expect((await users[0].http.groups()).map((x) => x.id)).toContain(g.id);
    expect(await users[0].http.group(g.id)).toEqual(g);
    await expect(users[50].http.group(g.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(users[50].http.group('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('creates 16 groups sent at once, each whole', async () => {
    const made = await Promise.all(Array.from({ length: 16 }, (_, i) => aGroup(users.slice(i, i + 3))));
    expect(new Set(made.map((g) => g.id)).size).toBe(16);
    const listed = (await owner.http.groups()).map((g) => g.id);
    for (const g of made) {
      expect(g.members).toHaveLength(4);
      expect(listed).toContain(g.id);
    }
  });

  it('accepts 100 members including the owner and no 101st, even with concurrent adds', async () => {
    const g = await aGroup(users.slice(0, 97)); // 98 members
    const results = await Promise.allSettled([
      owner.http.addGroupMembers(g.id, [users[97].user.id, users[98].user.id]),
      owner.http.addGroupMembers(g.id, [users[99].user.id, users[96].user.id, users[98].user.id]),
    ]);
    const after = await owner.http.group(g.id);
    expect(after.members).toHaveLength(100);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const extra = await aUser(app.http);
    await expect(owner.http.addGroupMembers(g.id, [extra.user.id])).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
    });
    await expect(
      owner.http.createGroup({ name: 'big', memberIds: [...users, extra].map((u) => u.user.id) }),
    ).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
    });
  });

  it('delivers a message to a group of 100 once per online device and into all 100 inboxes', async () => {
    const members = users.slice(0, 99);
    const g = await aGroup(members);
    const online = members.slice(0, 20);
    const devices: { user: TestUser; box: Inbox<ChatMessage> }[] = [];
    for (const [i, u] of online.entries()) {
      devices.push({ user: u, box: listen(await device(u)) });
      if (i % 4 === 0) devices.push({ user: u, box: listen(await device(u)) }); // some have two devices
    }
    const sender = await device(owner);
    const sent = ok(await sender.send({ clientMsgId: 'g1', channelId: g.id, content: 'hello team' })).message;
    expect(sent).toMatchObject({ channelId: g.id, channelType: 'group', senderId: owner.user.id });
    const barrier = ok(await sender.send({ clientMsgId: 'g2', channelId: g.id, content: 'barrier' })).message;
    for (const d of devices) {
      const got = await d.box.atLeast(2);
      expect(got.filter((m) => m.id === sent.id)).toEqual([sent]);
      expect(got.map((m) => m.id)).toContain(barrier.id);
    }
    for (const u of [owner, ...members]) {
      const page = await u.http.sync();
      expect(page.messages.filter((m) => m.id === sent.id)).toHaveLength(1);
    }
  });

  it('refuses non-members on send and history', async () => {
    const g = await aGroup(users.slice(0, 2));
    const outsider = await device(users[60]);
    expect(await outsider.send({ clientMsgId: 'x', channelId: g.id, content: 'let me in' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await expect(users[60].http.history(g.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('stops delivering to a removed member at once, and a new member sees history from their join', async () => {
    const [stay, removed, late] = await Promise.all([aUser(app.http), aUser(app.http), aUser(app.http)]);
    const g = await aGroup([stay, removed]);
    const sender = await device(owner);
    const stayBox = listen(await device(stay));
    const removedBox = listen(await device(removed));
    const before = ok(await sender.send({ clientMsgId: 'r0', channelId: g.id, content: 'before' })).message;
    await removedBox.atLeast(1);
    await owner.http.removeGroupMember(g.id, removed.user.id);
    await owner.http.addGroupMembers(g.id, [late.user.id]);
    const after = ok(await sender.send({ clientMsgId: 'r1', channelId: g.id, content: 'after' })).message;
    await stayBox.atLeast(2);
    const barrier = ok(await sender.send({ clientMsgId: 'r2', channelId: g.id, content: 'barrier' })).message;
    await stayBox.atLeast(3);
    expect(removedBox.items.map((m) => m.id)).toEqual([before.id]);
    expect((await removed.http.sync()).messages.map((m) => m.id)).toEqual([before.id]);
    await expect(removed.http.history(g.id)).rejects.toMatchObject({ status: 403 });
    expect((await late.http.history(g.id)).messages.map((m) => m.id)).toEqual([barrier.id, after.id]);
    expect((await stay.http.history(g.id)).messages.map((m) => m.id)).toEqual([
      barrier.id,
      after.id,
      before.id,
    ]);
  });

  it('lets the owner and admins manage members, members only leave', async () => {
    const [admin, member, other] = [users[80], users[81], users[82]];
    const g = await aGroup([admin, member]);
    await expect(member.http.addGroupMembers(g.id, [other.user.id])).rejects.toMatchObject({ status: 403 });
    await owner.http.setGroupRole(g.id, admin.user.id, 'admin');
    await admin.http.addGroupMembers(g.id, [other.user.id]);
    await expect(member.http.removeGroupMember(g.id, other.user.id)).rejects.toMatchObject({ status: 403 });
    await member.http.removeGroupMember(g.id, member.user.id); // leaving
    await owner.http.removeGroupMember(g.id, owner.user.id); // the owner leaves: the admin takes over
    const now = await admin.http.group(g.id);
    expect(now.ownerId).toBe(admin.user.id);
    expect(now.members).toEqual(
      expect.arrayContaining([
        { userId: admin.user.id, role: 'owner' },
        { userId: other.user.id, role: 'member' },
      ]),
    );
    expect(now.members).toHaveLength(2);
  });
});
