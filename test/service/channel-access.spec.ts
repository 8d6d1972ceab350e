import { dmChannelId } from '../../src/messaging/channel-id';
import { GroupsService } from '../../src/groups/groups.service';
import { serviceApp } from './support/service-app';

describe('who may read and write a channel (service tier)', () => {
  const app = serviceApp();

  it("lets only a DM's two users read it", async () => {
    const [alice, bob, eve] = await app.users(3);
    const sent = await app.send(alice, { to: bob.id }, 'private');

    expect(await app.history(bob, sent.channelId)).toEqual([sent]);
    await expect(app.history(eve, sent.channelId)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(app.send(eve, { channelId: sent.channelId })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('answers not_found for a DM with a user who does not exist and for a malformed channel id', async () => {
    const [alice] = await app.users(1);
    const ghost = '00000000-0000-4000-8000-000000000000';
    await expect(app.history(alice, dmChannelId(alice.id, ghost))).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(app.history(alice, 'dm:only-one-side')).rejects.toMatchObject({ code: 'not_found' });
  });

  it("keeps a group's history from those who are not in it", async () => {
    const [owner, member, outsider] = await app.users(3);
    const group = await app.aGroup(owner, [member]);
    await app.send(owner, { channelId: group.id }, 'members only');

    expect((await app.history(member, group.id)).map((m) => m.content)).toEqual(['members only']);
    await expect(app.history(outsider, group.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(app.history(outsider, 'no-such-group')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('shows a member added later the history from when they joined', async () => {
    const [owner, late] = await app.users(2);
    const group = await app.aGroup(owner, []);
    const before = await app.send(owner, { channelId: group.id }, 'before');
    await app.addAfter(before, owner, group, late);
    await app.send(owner, { channelId: group.id }, 'after');

    expect((await app.history(late, group.id)).map((m) => m.content)).toEqual(['after']);
    expect((await app.history(owner, group.id)).map((m) => m.content)).toEqual(['after', 'before']);
  });

  it('shuts a removed member out of reading and writing', async () => {
    const [owner, leaver] = await app.users(2);
    const group = await app.aGroup(owner, [leaver]);
    await app.send(leaver, { channelId: group.id }, 'bye');
    await app.get(GroupsService).removeMember(owner.id, group.id, leaver.id);

    await expect(app.history(leaver, group.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(app.send(leaver, { channelId: group.id })).rejects.toMatchObject({ code: 'forbidden' });
  });
});
