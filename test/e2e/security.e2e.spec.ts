import { ChatApiError, ChatSocket } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, TestUser, uniqueName } from '../support/builders';
import { until } from '../support/wait';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const expectError = async (p: Promise<unknown>, status: number, code: string) => {
  const e = await failure(p);
  expect(e).toBeInstanceOf(ChatApiError);
  expect(e).toMatchObject({ status, code });
};
const connectError = async (p: Promise<unknown>): Promise<string> => ((await failure(p)) as Error).message;
const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

/**
 * Emits an event whose payload is written as JSON text: the client's own encoder (JSON.stringify) cannot
 * write a payload nested thousands deep, an attacker's can. Socket.IO frames: `2<id>[event, payload]` out,
 * `3<id>[answer]` back.
 */
const rawEmit = (s: ChatSocket, event: string, payloadJson: string): Promise<unknown> => {
  const id = 900_000 + Math.floor(Math.random() * 99_999);
  const engine = s.socket.io.engine;
  return new Promise((resolve) => {
    const onMessage = (data: unknown) => {
      if (typeof data !== 'string' || !data.startsWith(`3${id}[`)) return;
      engine.off('message', onMessage);
      resolve((JSON.parse(data.slice(`3${id}`.length)) as unknown[])[0]);
    };
    engine.on('message', onMessage);
    engine.write(`2${id}[${JSON.stringify(event)},${payloadJson}]`);
  });
};

const ADMIN = uniqueName('root_');

/** DESIGN.md section 7: inputs, abuse and sessions. */
describe.each(e2eStacks('security e2e', { cassandra: false }))('security ($name)', ({ env }) => {
  let app: RunningApp;
  let admin: TestUser;
  const open: ChatSocket[] = [];
  const connect = async (u: { accessToken: string }) => {
    const s = new ChatSocket(app.url, { token: u.accessToken, deviceId: uniqueName('dev') });
    open.push(s);
    return s.connected();
  };
  const dropped = (s: ChatSocket) => new Promise((resolve) => s.socket.once('disconnect', resolve));

  beforeAll(async () => {
    app = await startApp({
      ...env,
      MAX_SOCKETS_PER_USER: '3',
      LOGIN_FAILURES_PER_ACCOUNT: '3',
      LOGIN_FAILURE_WINDOW_SECONDS: '2',
      ADMIN_USERNAMES: ADMIN,
    });
    admin = await aUser(app.http, { username: ADMIN });
  });
  afterEach(() => open.splice(0).forEach((s) => s.close()));
  afterAll(() => app.close());

  describe('inputs', () => {
    it('answers 400 bad_request to a body nested 5,000 deep, and keeps serving', async () => {
      const u = await aUser(app.http);
      const deep = `{"username":"${uniqueName()}","password":${nested(5000)}}`;
      await expectError(app.http.call('POST', '/api/auth/register', deep), 400, 'bad_request');
      const deepObjects = `{"name":"g","memberIds":[${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]}`;
      await expectError(u.http.call('POST', '/api/groups', deepObjects), 400, 'bad_request');
      expect((await u.http.me()).id).toBe(u.user.id);
    });

    it('answers a socket payload nested 5,000 deep with bad_request and keeps the connection', async () => {
      const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
      const s = await connect(a);
      const send = `{"clientMsgId":"deep","to":"${b.user.id}","content":${nested(5000)}}`;
      expect(await rawEmit(s, 'message:send', send)).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
      expect(await rawEmit(s, 'sync', `{"after":${nested(5000)}}`)).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
      expect(await s.send({ clientMsgId: 'after', to: b.user.id, content: 'still here' })).toMatchObject({
        ok: true,
      });
    });

    it('refuses text that is not valid Unicode, and control characters in a clientMsgId', async () => {
      const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
      const s = await connect(a);
      for (const bad of [
        { clientMsgId: 'lone', to: b.user.id, content: 'half an emoji \ud83d' },
        { clientMsgId: 'trail', to: b.user.id, content: '\udc00' },
        { clientMsgId: 'bell\u0007', to: b.user.id, content: 'hi' },
        { clientMsgId: 'nl\n', to: b.user.id, content: 'hi' },
      ]) {
        expect(await s.send(bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
      expect(await s.send({ clientMsgId: 'pair', to: b.user.id, content: 'a whole one 😀' })).toMatchObject({
        ok: true,
      });
      expect((await a.http.sync()).messages.map((m) => m.content)).toEqual(['a whole one 😀']);
      // REST: JSON.stringify writes a lone surrogate as the escape `\ud800`.
      await expectError(
        app.http.register({ username: uniqueName(), password: 'password-1', displayName: 'x\ud800' }),
        400,
        'bad_request',
      );
      await expectError(a.http.createGroup({ name: '\udfff', memberIds: [] }), 400, 'bad_request');
    });
  });

  describe('abuse', () => {
    it('refuses a user past MAX_SOCKETS_PER_USER with connect_error rate_limited, until one closes', async () => {
      const [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
      const sockets = await Promise.all([connect(a), connect(a), connect(a)]);
      expect(await connectError(connect(a))).toBe('rate_limited');
      await connect(b); // another user is not affected
      sockets[0].close();
      await until(
        () =>
          connect(a).then(
            () => true,
            () => false,
          ),
        Boolean,
        5000,
        'a place after a socket closed',
      );
    });

    it('limits failed logins per account from any address, for a short window only', async () => {
      const [victim, other] = await Promise.all([aUser(app.http), aUser(app.http)]);
      const guess = (username: string, password: string) => failure(app.http.login({ username, password }));
      for (let i = 0; i < 3; i++)
        expect(await guess(victim.user.username, `wrong-${i}`)).toMatchObject({ status: 401 });
      expect(await guess(victim.user.username, 'wrong-again')).toMatchObject({
        status: 429,
        code: 'rate_limited',
      });
      // The right password is refused too while the window lasts: a guess must not learn anything.
      expect(await guess(victim.user.username, victim.password)).toMatchObject({ status: 429 });
      expect(await guess(other.user.username, other.password)).toBeUndefined();
      // The owner gets in once the window (2 s here, a minute by default) has passed.
      await until(
        () => guess(victim.user.username, victim.password),
        (e) => e === undefined,
        5000,
        'login',
      );
    });
  });

  describe('sessions', () => {
    it("logout ends the session's access token on REST and its sockets, not the user's other sessions", async () => {
      const u = await aUser(app.http);
      const other = await app.http.login({ username: u.user.username, password: u.password });
      const [s, otherSocket] = await Promise.all([connect(u), connect(other)]);
      const gone = dropped(s);
      await app.http.logout(u.refreshToken);
      await gone;
      await expectError(u.http.me(), 401, 'unauthorized');
      expect(await connectError(connect(u))).toBe('unauthorized');
      expect((await app.http.withToken(other.accessToken).me()).id).toBe(u.user.id);
      expect(otherSocket.socket.connected).toBe(true);
      expect(await otherSocket.heartbeat()).toEqual({ ok: true });
    });

    it('a replayed refresh token ends its session everywhere: every access token of it, and its sockets', async () => {
      const u = await aUser(app.http);
      const rotated = await app.http.refresh(u.refreshToken);
      const s = await connect(rotated);
      const gone = dropped(s);
      await expectError(app.http.refresh(u.refreshToken), 401, 'unauthorized');
      await gone;
      await expectError(u.http.me(), 401, 'unauthorized');
      await expectError(app.http.withToken(rotated.accessToken).me(), 401, 'unauthorized');
    });

    it('a password change ends every other session and keeps the caller signed in', async () => {
      const u = await aUser(app.http);
      const other = await app.http.login({ username: u.user.username, password: u.password });
      const [mine, theirs] = await Promise.all([connect(u), connect(other)]);
      const gone = dropped(theirs);
      await expectError(
        u.http.changePassword({ currentPassword: 'not it at all', newPassword: 'a new password' }),
        403,
        'forbidden',
      );
      await u.http.changePassword({ currentPassword: u.password, newPassword: 'a new password' });
      await gone;
      await expectError(app.http.withToken(other.accessToken).me(), 401, 'unauthorized');
      await expectError(app.http.refresh(other.refreshToken), 401, 'unauthorized');
      expect((await u.http.me()).id).toBe(u.user.id);
      expect(await mine.heartbeat()).toEqual({ ok: true });
      await expectError(
        app.http.login({ username: u.user.username, password: u.password }),
        401,
        'unauthorized',
      );
      await app.http.login({ username: u.user.username, password: 'a new password' });
      // The endpoint needs an access token.
      await expectError(
        app.http.changePassword({ currentPassword: 'a new password', newPassword: 'another one' }),
        401,
        'unauthorized',
      );
    });

    it('a ban stops REST for the tokens it covers (403) and their sockets', async () => {
      const u = await aUser(app.http);
      const s = await connect(u);
      const gone = dropped(s);
      await admin.http.call('POST', `/api/admin/users/${u.user.id}/ban`);
      await gone;
      await expectError(u.http.me(), 403, 'forbidden');
    });
  });
});
