import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, TestUser, uniqueName } from '../support/builders';

const ADMIN = uniqueName('dash_');

describe.each(e2eStacks('dashboards e2e', { cassandra: false }))(
  'admin dashboards ($name)',
  ({ name, env }) => {
    let app: RunningApp;
    let admin: TestUser;
    beforeAll(async () => {
      app = await startApp({ ...env, DASHBOARDS: 'true', ADMIN_USERNAMES: ADMIN });
      admin = await aUser(app.http, { username: ADMIN });
    });
    afterAll(() => app.close());

    /** An admin's sign-in link, opened as a browser would: the cookie it sets. */
    async function signIn(who: TestUser): Promise<string> {
      const { url } = await who.http.call<{ url: string }>('POST', '/api/admin/dashboards/session');
      const res = await fetch(`${app.url}${url}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/admin/queues/');
      const setCookie = res.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).toMatch(/Path=\/admin/);
      return setCookie.split(';')[0];
    }

    if (name === 'embedded') {
      it('is off in embedded mode, where there is no BullMQ', async () => {
        await expect(admin.http.call('POST', '/api/admin/dashboards/session')).rejects.toMatchObject({
          status: 404,
          message: expect.stringMatching(/dashboards are off/),
        });
        expect((await fetch(`${app.url}/admin/queues/`)).status).toBe(404);
      });
      return;
    }

    it('shows Bull Board with the fanout and push queues to an admin signed in through the link', async () => {
      const cookie = await signIn(admin);
      const page = await fetch(`${app.url}/admin/queues/`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<title>chat queues<\/title>/);
      const api = await fetch(`${app.url}/admin/queues/api/queues`, { headers: { cookie } });
      expect(api.status).toBe(200);
      const { queues } = (await api.json()) as { queues: { name: string }[] };
      expect(queues.map((q) => q.name).sort()).toEqual(['fanout', 'push']);
    });

    it('refuses everyone else: no cookie, a forged one, a non-admin, a used-up admin', async () => {
      expect((await fetch(`${app.url}/admin/queues/api/queues`)).status).toBe(401);
      const forged = await fetch(`${app.url}/admin/queues/api/queues`, {
        headers: { cookie: 'chat_dashboard=x.y.z' },
      });
      expect(forged.status).toBe(401);
      // An access token is not a dashboard cookie.
      const asToken = await fetch(`${app.url}/admin/queues/`, {
        headers: { cookie: `chat_dashboard=${admin.accessToken}` },
      });
      expect(asToken.status).toBe(401);
      const bad = await fetch(`${app.url}/admin/login?ticket=nope`, { redirect: 'manual' });
      expect(bad.status).toBe(401);

      const u = await aUser(app.http);
      await expect(u.http.call('POST', '/api/admin/dashboards/session')).rejects.toMatchObject({
        status: 403,
      });
      // A second admin's cookie stops working the moment the role is revoked.
      await admin.http.call('PUT', `/api/admin/users/${u.user.id}/role`, { role: 'admin' });
      const cookie = await signIn(u);
      expect((await fetch(`${app.url}/admin/queues/api/queues`, { headers: { cookie } })).status).toBe(200);
      await admin.http.call('PUT', `/api/admin/users/${u.user.id}/role`, { role: 'user' });
      const after = await fetch(`${app.url}/admin/queues/api/queues`, { headers: { cookie } });
      expect(after.status).toBe(403);
      expect(await after.json()).toEqual({ error: { code: 'forbidden', message: 'admin role required' } });
    });
  },
);
