import { dmChannelId } from '../../src/messaging/channel-id';
import { MAX_CONTENT_CHARS } from '../../src/messaging/message';
import { aClientMsgId } from './support/builders';
import { serviceApp } from './support/service-app';

describe('sending a message (service tier)', () => {
  const app = serviceApp();

  describe('1-on-1', () => {
    it('answers with the stored message, delivers it to both users, and puts it in both inboxes', async () => {
      const [alice, bob] = await app.users(2);
      const sent = await app.send(alice, { to: bob.id }, 'hi bob');

      expect(sent).toMatchObject({
        channelId: dmChannelId(alice.id, bob.id),
        channelType: 'dm',
        senderId: alice.id,
        content: 'hi bob',
      });
      expect(app.deliveredTo(bob)).toEqual([sent.id]);
      expect(app.deliveredTo(alice)).toEqual([sent.id]);
      expect(await app.synced(bob)).toEqual([sent]);
      expect(await app.synced(alice)).toEqual([sent]);
    });

    it('lets either user write into the DM channel by its id', async () => {
      const [alice, bob] = await app.users(2);
      const first = await app.send(alice, { to: bob.id }, 'first');
      const reply = await app.send(bob, { channelId: first.channelId }, 'reply');

      expect(reply.channelId).toBe(first.channelId);
      expect((await app.history(alice, first.channelId)).map((m) => m.content)).toEqual(['reply', 'first']);
    });

    it('refuses a DM to an unknown user, and to oneself', async () => {
      const [alice] = await app.users(1);
      await expect(app.send(alice, { to: 'no-such-user' })).rejects.toMatchObject({ code: 'not_found' });
      await expect(app.send(alice, { to: alice.id })).rejects.toMatchObject({ code: 'bad_request' });
    });

    it('refuses empty and oversized content and stores nothing', async () => {
      const [alice, bob] = await app.users(2);
      await expect(app.send(alice, { to: bob.id }, '')).rejects.toMatchObject({ code: 'bad_request' });
      await expect(app.send(alice, { to: bob.id }, 'x'.repeat(MAX_CONTENT_CHARS + 1))).rejects.toMatchObject({
        code: 'too_large',
      });
      expect(await app.synced(bob)).toEqual([]);
    });
  });

  describe('a repeated clientMsgId', () => {
    it('answers with the message stored the first time and stores no second copy', async () => {
      const [alice, bob] = await app.users(2);
      const clientMsgId = aClientMsgId();
      const first = await app.send(alice, { to: bob.id }, 'once', clientMsgId);
      const again = await app.send(alice, { to: bob.id }, 'once', clientMsgId);

      expect(again).toEqual(first);
      expect(await app.synced(bob)).toEqual([first]);
      // Delivered again (the first ack may have been lost); devices dedupe by id.
      expect(app.deliveredTo(bob)).toEqual([first.id, first.id]);
    });

    it('answers concurrent sends of one clientMsgId with one message', async () => {
      const [alice, bob] = await app.users(2);
      const clientMsgId = aClientMsgId();
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => app.send(alice, { to: bob.id }, 'racing', clientMsgId)),
      );

      expect(new Set(answers.map((m) => m.id)).size).toBe(1);
      expect(await app.synced(bob)).toEqual([answers[0]]);
    });

    it('is per sender: another sender may use the same clientMsgId', async () => {
      const [alice, bob] = await app.users(2);
      const clientMsgId = aClientMsgId();
      const fromAlice = await app.send(alice, { to: bob.id }, 'from alice', clientMsgId);
      const fromBob = await app.send(bob, { to: alice.id }, 'from bob', clientMsgId);

      expect(fromBob.id).not.toBe(fromAlice.id);
      expect((await app.synced(alice)).map((m) => m.content)).toEqual(['from alice', 'from bob']);
    });
  });

  describe('in a group', () => {
    it('delivers to every member and puts it in every inbox', async () => {
      const [owner, m1, m2] = await app.users(3);
      const group = await app.aGroup(owner, [m1, m2]);
      const sent = await app.send(m1, { channelId: group.id }, 'hello all');

      expect(sent).toMatchObject({ channelId: group.id, channelType: 'group', senderId: m1.id });
      for (const u of [owner, m1, m2]) {
        expect(app.deliveredTo(u)).toEqual([sent.id]);
        expect(await app.synced(u)).toEqual([sent]);
      }
    });

    it('refuses a sender who is not a member, and stores nothing', async () => {
      const [owner, member, outsider] = await app.users(3);
      const group = await app.aGroup(owner, [member]);

      await expect(app.send(outsider, { channelId: group.id })).rejects.toMatchObject({ code: 'forbidden' });
      expect(await app.synced(member)).toEqual([]);
      expect(app.deliveredTo(member)).toEqual([]);
    });

    it('answers not_found for a group that does not exist', async () => {
      const [alice] = await app.users(1);
      await expect(app.send(alice, { channelId: 'no-such-group' })).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });
});
