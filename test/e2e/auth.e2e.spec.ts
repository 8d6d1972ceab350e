import { ChatApiError } from '@chat-server/client';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, uniqueName } from '../support/builders';

const expectError = async (p: Promise<unknown>, status: number, code: string) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ChatApiError);
  expect(e).toMatchObject({ status, code });
};

describe.each(e2eStacks('auth e2e'))('auth ($name)', ({ env }) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(env);
  });
  afterAll(() => app.close());

  it('registers, then logs in with the same password', async () => {
    const name = uniqueName('Alice');
    const s = await app.http.register({ username: name, password: 'password-1', displayName: 'Alice A.' });
    expect(s.user).toEqual({ id: expect.any(String), username: name.toLowerCase(), displayName: 'Alice A.' });
    expect(s.accessToken).toEqual(expect.any(String));
    const l = await app.http.login({ username: name.toUpperCase(), password: 'password-1' });
    expect(l.user.id).toBe(s.user.id);
    expect(await app.http.withToken(l.accessToken).me()).toEqual(s.user);
  });

  it('answers 409 conflict for a taken username, whatever its case', async () => {
    const u = await aUser(app.http);
    await expectError(
      app.http.register({ username: u.user.username.toUpperCase(), password: 'password-2' }),
      409,
      'conflict',
    );
  });

  it('answers 401 for a wrong password and for an unknown user', async () => {
    const u = await aUser(app.http);
    await expectError(
      app.http.login({ username: u.user.username, password: 'wrong password' }),
      401,
      'unauthorized',
    );
    await expectError(app.http.login({ username: uniqueName(), password: 'whatever1' }), 401, 'unauthorized');
  });

  it('refuses invalid usernames and passwords with 400', async () => {
    await expectError(app.http.register({ username: 'ab', password: 'password-1' }), 400, 'bad_request');
    await expectError(
      app.http.register({ username: 'has space', password: 'password-1' }),
      400,
      'bad_request',
    );
    await expectError(app.http.register({ username: uniqueName(), password: 'short' }), 400, 'bad_request');
    await expectError(
      app.http.register({ username: uniqueName(), password: 'x'.repeat(129) }),
      400,
      'bad_request',
    );
  });

  it('rotates refresh tokens, and a replayed one revokes the whole family', async () => {
    const u = await aUser(app.http);
    const r1 = await app.http.refresh(u.refreshToken);
    expect(r1.refreshToken).not.toBe(u.refreshToken);
    expect((await app.http.withToken(r1.accessToken).me()).id).toBe(u.user.id);
    await expectError(app.http.refresh(u.refreshToken), 401, 'unauthorized');
    // The thief's replay burned the family: the legitimate successor is dead too.
    await expectError(app.http.refresh(r1.refreshToken), 401, 'unauthorized');
  });

  it('logout revokes the refresh token', async () => {
    const u = await aUser(app.http);
    await app.http.logout(u.refreshToken);
    await expectError(app.http.refresh(u.refreshToken), 401, 'unauthorized');
  });

  it('answers 401 for missing, forged and garbage access tokens', async () => {
    const u = await aUser(app.http);
    await expectError(app.http.me(), 401, 'unauthorized');
    const [h, p] = u.accessToken.split('.');
    await expectError(app.http.withToken(`${h}.${p}.${'A'.repeat(43)}`).me(), 401, 'unauthorized');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await expectError(app.http.withToken(`${none}.${p}.`).me(), 401, 'unauthorized');
    await expectError(app.http.withToken('garbage').me(), 401, 'unauthorized');
  });

  it('answers 401 for an expired access token', async () => {
    const short = await startApp({ ...env, ACCESS_TOKEN_TTL_SECONDS: '30', DATA_DIR: app.dataDir });
    try {
      const u = await aUser(short.http);
      const realNow = Date.now;
      Date.now = () => realNow() + 31_000; // jsonwebtoken reads the clock through Date.now
      try {
        await expectError(short.http.withToken(u.accessToken).me(), 401, 'unauthorized');
      } finally {
        Date.now = realNow;
      }
    } finally {
      await short.close();
    }
  });

  it('answers malformed, mistyped and oversized bodies in the error shape and stays healthy', async () => {
    await expectError(app.http.call('POST', '/api/auth/register', '{"username": "x",'), 400, 'bad_request');
    await expectError(
      app.http.call('POST', '/api/auth/register', { username: 42, password: ['x'] }),
      400,
      'bad_request',
    );
    await expectError(
      app.http.call('POST', '/api/auth/login', { username: { $gt: '' }, password: 1 }),
      400,
      'bad_request',
    );
    await expectError(
      app.http.call('POST', '/api/auth/register', {
        username: uniqueName(),
        password: 'password-1',
        admin: true,
      }),
      400,
      'bad_request',
    );
    await expectError(
      app.http.call('POST', '/api/auth/register', { username: 'x'.repeat(2_000_000), password: 'p' }),
      413,
      'too_large',
    );
    await expectError(app.http.call('GET', '/api/no-such-route'), 404, 'not_found');
    const live = await fetch(`${app.url}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
  });

  it('serves Prometheus metrics and the OpenAPI document', async () => {
    const m = await fetch(`${app.url}/metrics`);
    expect(await m.text()).toContain('process_cpu_user_seconds_total');
    const docs = await fetch(`${app.url}/api/docs-json`);
    const doc = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/register', '/api/friends', '/api/sync']),
    );
  });
});

// Its own app: an app started later in this process (the expired-token test's) takes over passport's
// process-wide 'jwt' strategy, and authenticated requests of an earlier app would then use the later one's.
describe.each(e2eStacks('http metrics e2e'))('HTTP metrics ($name)', ({ env }) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(env);
  });
  afterAll(() => app.close());

  it('counts and times HTTP requests by route pattern and status, and says which build runs', async () => {
    const u = await aUser(app.http);
    const unknown = `/api/channels/g:${uniqueName()}/messages`;
    for (const path of [unknown, unknown, '/no/such/page'])
      await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${u.accessToken}` } });
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const series = (name: string) => text.split('\n').filter((l) => l.startsWith(name));
    expect(series('chat_http_requests_total')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/method="POST",route="\/api\/auth\/register",status="201".* [1-9]\d*$/),
        expect.stringMatching(
          /method="GET",route="\/api\/channels\/:channelId\/messages",status="4\d\d".* [2-9]\d*$/,
        ),
        expect.stringMatching(/method="GET",route="\(unmatched\)",status="404".* [1-9]\d*$/),
      ]),
    );
    expect(text).not.toContain(unknown); // concrete paths never become labels
    expect(series('chat_http_request_duration_seconds_count')).toEqual(
      expect.arrayContaining([expect.stringContaining('route="/api/auth/register",status="201"')]),
    );
    expect(text).toMatch(/chat_build_info\{version="\d+\.\d+\.\d+",node="v\d+[^"]*".*\} 1/);
  });
});

describe('auth rate limit', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => app.close());

  it('answers 429 rate_limited past AUTH_RATE_LIMIT_PER_MINUTE attempts from one address', async () => {
    const attempts = [];
    for (let i = 0; i < 4; i++) {
      attempts.push(
        await app.http
          .login({ username: uniqueName(), password: 'whatever1' })
          .catch((e: ChatApiError) => e.status),
      );
    }
    expect(attempts).toEqual([401, 401, 401, 429]);
    await expectError(app.http.login({ username: uniqueName(), password: 'whatever1' }), 429, 'rate_limited');
  });
});
