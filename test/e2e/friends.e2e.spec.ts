import { ChatApiError } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, uniqueName } from '../support/builders';

describe.each(e2eStacks('friends e2e'))('users and friends ($name)', ({ env }) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(env);
  });
  afterAll(() => app.close());

  it('finds users by username prefix, not the caller', async () => {
    const prefix = uniqueName('find_');
    const [me, x, y] = await Promise.all([
      aUser(app.http, { username: `${prefix}me` }),
      aUser(app.http, { username: `${prefix}x` }),
      aUser(app.http, { username: `${prefix}y` }),
    ]);
    await aUser(app.http, { username: `other${prefix}` });
    const found = await me.http.searchUsers(prefix.toUpperCase());
    expect(found).toEqual([x.user, y.user]);
    expect(await me.http.searchUsers(`${prefix}_`)).toEqual([]); // '_' is literal, not a wildcard
    await expect(me.http.searchUsers('bad%')).rejects.toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('requests, lists pending, accepts, lists friends with presence, and removes', async () => {
    const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
    const req = await a.http.requestFriend(b.user.id);
    expect(req).toEqual({
      id: expect.any(String),
      fromUserId: a.user.id,
      toUserId: b.user.id,
      status: 'pending',
    });
    expect(await b.http.friendRequests()).toEqual({ incoming: [req], outgoing: [] });
    expect(await a.http.friendRequests()).toEqual({ incoming: [], outgoing: [req] });
    await expect(a.http.acceptFriend(req.id)).rejects.toMatchObject({ status: 403 });
    await b.http.acceptFriend(req.id);
    const friendsOfA = await a.http.friends();
    expect(friendsOfA).toEqual([{ user: b.user, presence: { status: 'offline', lastActiveAt: null } }]);
    expect((await b.http.friends()).map((f) => f.user.id)).toEqual([a.user.id]);
    expect(await b.http.friendRequests()).toEqual({ incoming: [], outgoing: [] });
    await a.http.removeFriend(b.user.id);
    expect(await a.http.friends()).toEqual([]);
    expect(await b.http.friends()).toEqual([]);
    await expect(a.http.removeFriend(b.user.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('turns a crossed request into a friendship', async () => {
    const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
    await a.http.requestFriend(b.user.id);
    expect(await b.http.requestFriend(a.user.id)).toMatchObject({ status: 'accepted' });
    expect((await a.http.friends()).map((f) => f.user.id)).toEqual([b.user.id]);
  });

  it('answers the contract errors', async () => {
    const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
    const status = (p: Promise<unknown>) =>
      p.then(
        () => 0,
        (e: ChatApiError) => `${e.status} ${e.code}`,
      );
    expect(await status(a.http.requestFriend(a.user.id))).toBe('400 bad_request');
    expect(await status(a.http.requestFriend('00000000-0000-0000-0000-000000000000'))).toBe('404 not_found');
    await a.http.requestFriend(b.user.id);
    expect(await status(a.http.requestFriend(b.user.id))).toBe('409 conflict');
    expect(await status(a.http.acceptFriend('nope'))).toBe('404 not_found');
    expect(await status(a.http.call('POST', '/api/friends/requests', { userId: 7 }))).toBe('400 bad_request');
    expect(await status(app.http.friends())).toBe('401 unauthorized');
  });
});
