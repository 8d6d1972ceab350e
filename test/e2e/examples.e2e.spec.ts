import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApp, type RunningApp } from '../support/app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** What the README tells a newcomer to run does run, as written, against a real server. */
describe('the quick start, the README example and the seed', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app?.close());

  it('the README shows examples/quickstart.mjs as it is', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = readFileSync(join(ROOT, 'examples', 'quickstart.mjs'), 'utf8');
    expect(readme).toContain('```js\n' + example + '```');
  });

  it('npm run example: two people chat through the SDK', async () => {
    const { stdout } = await run(process.execPath, ['examples/quickstart.mjs'], {
      cwd: ROOT,
      env: { ...process.env, CHAT_URL: app.url },
      timeout: 30_000,
    });
    expect(stdout).toContain('bob got "Hello from the quick start!" from alice');
    expect(stdout).toMatch(/alice's conversations: bob_\w+ \(0 unread\)/);
  });

  it('npm run seed: demo users who can sign in, a group with history; running it twice is fine', async () => {
    const seed = () =>
      run(process.execPath, ['scripts/seed.mjs'], {
        cwd: ROOT,
        env: { ...process.env, SEED_URL: app.url },
        timeout: 30_000,
      });
    const { stdout } = await seed();
    expect(stdout).toContain('username alice  password alice-password');
    await seed();
    const alice = await app.http.login({ username: 'alice', password: 'alice-password' });
    const groups = await app.http.withToken(alice.accessToken).groups();
    expect(groups.filter((g) => g.name === 'Weekend trip')).toHaveLength(1);
    const history = await app.http.withToken(alice.accessToken).history(groups[0].id);
    expect(history.messages.map((m) => m.content)).toContain('I can drive. Leaving at 9?');
  });
});
