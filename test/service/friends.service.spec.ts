import { FriendsService } from '../../src/friends/friends.service';
import { DevicePresence } from '../../src/presence/device-presence.service';
import { PresenceNotifier } from '../../src/presence/presence-notifier';
import type { PresenceView } from '../../src/presence/presence-query.service';
import { UsersRepository } from '../../src/users/users.repository';
import type { TestUser } from './support/builders';
import { serviceApp } from './support/service-app';

describe('friends (service tier)', () => {
  const app = serviceApp();
  const friends = () => app.get(FriendsService);

  const friendIds = async (u: TestUser) => (await friends().list(u.id)).map((f) => f.user.id);
  /** The presence updates about `about` that reached the devices of `viewer`. */
  const presenceSeenBy = (viewer: TestUser, about: TestUser) =>
    app.realtime.received<PresenceView>(viewer.id, 'presence:update').filter((p) => p.userId === about.id);
  /**
   * A device of `u` connects: the presence store learns it, and the change is announced to `u`'s presence room
   * (what the chat gateway does on a handshake; the gateway is not started here).
   */
  const comesOnline = async (u: TestUser) => {
    await app.get(DevicePresence).connected(u.id, `${u.id}-phone`);
    app
      .get(PresenceNotifier)
      .changed({ userId: u.id, status: 'online', lastActiveAt: new Date().toISOString() });
  };

  it('makes two users friends once the request is accepted, and not before', async () => {
    const [alice, bob] = await app.users(2);
    const request = await friends().request(alice.id, bob.id);

    expect(await friends().pending(bob.id)).toEqual({ incoming: [request], outgoing: [] });
    expect(await friendIds(alice)).toEqual([]);
    await friends().accept(bob.id, request.id);
    expect(await friendIds(alice)).toEqual([bob.id]);
    expect(await friendIds(bob)).toEqual([alice.id]);
    expect(await friends().pending(bob.id)).toEqual({ incoming: [], outgoing: [] });
  });

  it('accepts at once when the other user had already asked', async () => {
    const [alice, bob] = await app.users(2);
    await friends().request(alice.id, bob.id);
    expect(await friends().request(bob.id, alice.id)).toMatchObject({ status: 'accepted' });
    expect(await friendIds(alice)).toEqual([bob.id]);
  });

  it('refuses a second request, a request to oneself and one to an unknown or banned user', async () => {
    const [alice, bob, banned] = await app.users(3);
    await app.get(UsersRepository).setBanned(banned.id, true);
    await friends().request(alice.id, bob.id);

    await expect(friends().request(alice.id, bob.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(friends().request(alice.id, alice.id)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(friends().request(alice.id, 'no-such-user')).rejects.toMatchObject({ code: 'not_found' });
    await expect(friends().request(alice.id, banned.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lets only the recipient accept', async () => {
    const [alice, bob, eve] = await app.users(3);
    const request = await friends().request(alice.id, bob.id);

    await expect(friends().accept(alice.id, request.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(friends().accept(eve.id, request.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await friendIds(alice)).toEqual([]);
  });

  it("tells new friends each other's presence, and every change after", async () => {
    const [alice, bob] = await app.users(2);
    await app.friends(alice, bob);
    expect(presenceSeenBy(alice, bob)).toEqual([expect.objectContaining({ status: 'offline' })]);

    await comesOnline(bob);
    expect(presenceSeenBy(alice, bob).map((p) => p.status)).toEqual(['offline', 'online']);
    expect(await friends().list(alice.id)).toEqual([
      expect.objectContaining({ presence: expect.objectContaining({ status: 'online' }) }),
    ]);
  });

  it('shows presence only of friends', async () => {
    const [alice, bob, stranger] = await app.users(3);
    await app.friends(alice, bob);
    await comesOnline(stranger);

    expect((await friends().presenceOf(alice.id, [bob.id, stranger.id])).map((p) => p.userId)).toEqual([
      bob.id,
    ]);
    expect(presenceSeenBy(alice, stranger)).toEqual([]);
  });

  it('ends a friendship: no longer listed, presence no longer shared', async () => {
    const [alice, bob] = await app.users(2);
    await app.friends(alice, bob);
    await friends().remove(alice.id, bob.id);

    expect(await friendIds(bob)).toEqual([]);
    await comesOnline(bob);
    expect(presenceSeenBy(alice, bob).map((p) => p.status)).toEqual(['offline']);
    await expect(friends().remove(alice.id, bob.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
