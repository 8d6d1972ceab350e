import { GroupsService } from '../../src/groups/groups.service';
import { serviceApp } from './support/service-app';

describe('a group fan-out (service tier)', () => {
  const app = serviceApp();

  it('reaches every member of a full group of 100', async () => {
    const [owner, ...members] = await app.users(100);
    const group = await app.aGroup(owner, members);
    const sent = await app.send(owner, { channelId: group.id }, 'to everyone');

    const everyone = [owner, ...members];
    expect(everyone.filter((u) => !app.deliveredTo(u).includes(sent.id))).toEqual([]);
    const inboxes = await Promise.all(everyone.map((u) => app.synced(u)));
    expect(inboxes.filter((inbox) => inbox.map((m) => m.id).join() !== sent.id)).toEqual([]);
  });

  it('leaves out a member added after the message, and includes them from then on', async () => {
    const [owner, late] = await app.users(2);
    const group = await app.aGroup(owner, []);
    const before = await app.send(owner, { channelId: group.id }, 'before');
    await app.addAfter(before, owner, group, late);
    const after = await app.send(owner, { channelId: group.id }, 'after');

    expect(app.deliveredTo(late)).toEqual([after.id]);
    expect((await app.synced(late)).map((m) => m.id)).toEqual([after.id]);
    // A fan-out run again later (a retried job) still leaves them out of the earlier message.
    await app.fanOutAgain(before);
    await app.realtime.waitFor(owner.id, 'message:new', 3);
    expect((await app.synced(late)).map((m) => m.id)).toEqual([after.id]);
    expect(app.deliveredTo(late)).toEqual([after.id]);
  });

  it('stops reaching a member once removed', async () => {
    const [owner, gone, stays] = await app.users(3);
    const group = await app.aGroup(owner, [gone, stays]);
    await app.get(GroupsService).removeMember(owner.id, group.id, gone.id);
    const sent = await app.send(owner, { channelId: group.id }, 'after the removal');

    expect(app.deliveredTo(gone)).toEqual([]);
    expect(await app.synced(gone)).toEqual([]);
    expect(app.deliveredTo(stays)).toEqual([sent.id]);
  });

  it('run again for a message (a retried job), delivers the same id and keeps one inbox copy', async () => {
    const [owner, member] = await app.users(2);
    const group = await app.aGroup(owner, [member]);
    const sent = await app.send(owner, { channelId: group.id }, 'once');
    await app.fanOutAgain(sent);
    await app.realtime.waitFor(member.id, 'message:new', 2);

    expect(app.deliveredTo(member)).toEqual([sent.id, sent.id]);
    expect(await app.synced(member)).toEqual([sent]);
  });
});
