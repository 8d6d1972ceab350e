import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, TestUser, uniqueName } from '../support/builders';

const CLI = join(__dirname, '..', '..', 'dist', 'admin-cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- ...` as the built CLI, in its own process with only the environment given. */
function admin(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe.each(e2eStacks('admin CLI e2e', { cassandra: false }))('admin CLI ($name)', ({ env }) => {
  let app: RunningApp;
  let storeEnv: Record<string, string>;
  beforeAll(async () => {
    app = await startApp(env);
    // The server's own configuration: the CLI changes roles on the same store.
    storeEnv = { ...env, DATA_DIR: app.dataDir, LOG_LEVEL: 'error' };
  });
  afterAll(() => app.close());

  it('makes the first admin on the store, with no admin yet, and the running server honours it at once', async () => {
    const u = await aUser(app.http);
    await expect(u.http.call('GET', '/api/admin/stats')).rejects.toMatchObject({ status: 403 });
    const run = await admin(['grant-admin', u.user.username.toUpperCase()], storeEnv);
    expect(run).toMatchObject({ code: 0, stdout: `${u.user.username} is now an admin\n` });
    await expect(u.http.call('GET', '/api/admin/stats')).resolves.toMatchObject({ chatNodes: 1 });
    const [entry] = await u.http.call<{ action: string; actorId: string; targetId: string }[]>(
      'GET',
      '/api/admin/audit?limit=1',
    );
    expect(entry).toMatchObject({ action: 'user.grant-admin', actorId: 'cli', targetId: u.user.id });

    expect(await admin(['revoke-admin', u.user.username], storeEnv)).toMatchObject({ code: 0 });
    await expect(u.http.call('GET', '/api/admin/stats')).rejects.toMatchObject({ status: 403 });
  });

  it('says what is wrong: an unknown user, a missing argument, an unknown command', async () => {
    const unknown = await admin(['grant-admin', uniqueName('ghost')], storeEnv);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/not_found: no user named/);
    expect(await admin(['ban'], storeEnv)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/ban takes <username>/),
    });
    expect(await admin(['frobnicate'], storeEnv)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/usage:/),
    });
  });

  describe('through the admin REST API', () => {
    let boss: TestUser;
    let restEnv: Record<string, string>;
    beforeAll(async () => {
      boss = await aUser(app.http);
      await admin(['grant-admin', boss.user.username], storeEnv);
      restEnv = {
        CHAT_URL: app.url,
        CHAT_ADMIN_USERNAME: boss.user.username,
        CHAT_ADMIN_PASSWORD: boss.password,
      };
    });

    it('lists the chat nodes and the queue counts', async () => {
      const nodes = await admin(['nodes'], restEnv);
      expect(nodes.code).toBe(0);
      expect(JSON.parse(nodes.stdout)).toEqual([expect.objectContaining({ health: 'passing' })]);
      const queues = await admin(['queues'], restEnv);
      expect(Object.keys(JSON.parse(queues.stdout) as object).sort()).toEqual(['fanout', 'push']);
      expect(JSON.parse((await admin(['failed', 'fanout'], restEnv)).stdout)).toEqual(expect.any(Array));
      expect(await admin(['retry', 'fanout', '--all'], restEnv)).toMatchObject({ code: 0 });
      // This server runs without DASHBOARDS: the CLI says so rather than printing a dead link.
      expect(await admin(['dashboard'], restEnv)).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/not_found: the dashboards are off/),
      });
    });

    it('bans and unbans a user by name', async () => {
      const u = await aUser(app.http);
      expect(await admin(['ban', u.user.username], restEnv)).toMatchObject({
        code: 0,
        stdout: `banned ${u.user.username}\n`,
      });
      await expect(u.http.me()).rejects.toMatchObject({ status: 403 });
      expect(await admin(['unban', u.user.username], restEnv)).toMatchObject({ code: 0 });
      await expect(
        app.http.login({ username: u.user.username, password: u.password }),
      ).resolves.toBeDefined();
    });

    it('is refused without admin credentials', async () => {
      const u = await aUser(app.http);
      const asUser = await admin(['queues'], {
        ...restEnv,
        CHAT_ADMIN_USERNAME: u.user.username,
        CHAT_ADMIN_PASSWORD: u.password,
      });
      expect(asUser).toMatchObject({ code: 1, stderr: expect.stringMatching(/forbidden/) });
      const none = await admin(['queues'], { CHAT_URL: app.url });
      expect(none).toMatchObject({ code: 1, stderr: expect.stringMatching(/CHAT_ADMIN_TOKEN/) });
    });
  });
});
