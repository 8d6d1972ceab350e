import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChatClient } from '@chat-server/client';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { tempDataDir } from '../support/app';
import { describeWithBrowser, launchChromium } from '../support/browser';
import { spawnServer, type ServerProcess } from '../support/process';

/**
 * Two people in two browser contexts use the web chat at / of the built server, only through the roles and
 * names of DESIGN.md section 6c: they sign up, find each other, chat, and see typing, presence, read ticks,
 * an edit, a reaction and a delete arrive; then one catches up on what was sent while the server restarted
 * and it was away. UPDATE_SCREENSHOTS=1 writes docs/screenshots/ on the way.
 */
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'docs', 'screenshots') : undefined;
const T = { timeout: 15_000 };

describeWithBrowser('web chat in Chromium', () => {
  jest.setTimeout(180_000);
  const dataDir = tempDataDir();
  const suffix = Date.now().toString(36).slice(-5);
  const alice = `alice${suffix}`;
  const bob = `bob${suffix}`;
  let server: ServerProcess;
  let browser: Browser;
  let a: BrowserContext;
  let b: BrowserContext;
  let pa: Page;
  let pb: Page;

  beforeAll(async () => {
    server = await spawnServer({ DATA_DIR: dataDir });
    browser = await launchChromium();
    a = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    // The second person is on a phone-sized screen.
    b = await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
    pa = await a.newPage();
    pb = await b.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill();
  });

  const log = (p: Page) => p.getByRole('log', { name: 'Messages' });
  const message = (p: Page, text: string): Locator => log(p).getByRole('article').filter({ hasText: text });
  const shot = async (p: Page, name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  async function signUp(p: Page, username: string): Promise<void> {
    // Alice opens it as localhost, which discovery (127.0.0.1) does not name: the page's CSP must still pass.
    await p.goto(username === alice ? server.url.replace('127.0.0.1', 'localhost') : server.url);
    await shot(p, username === alice ? 'sign-in-desktop' : 'sign-in-phone');
    await p.getByRole('textbox', { name: 'Username' }).fill(username);
    await p.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
    await p.getByRole('button', { name: 'Create account' }).click();
    await p.getByRole('status', { name: `Signed in as ${username}` }).waitFor(T);
    await p.getByRole('button', { name: 'Sign out' }).waitFor(T);
  }

  it('says what went wrong when signing in fails', async () => {
    await pa.goto(server.url);
    await pa.getByRole('textbox', { name: 'Username' }).fill(alice);
    await pa.getByRole('textbox', { name: 'Password' }).fill('not the password');
    await pa.getByRole('button', { name: 'Sign in' }).click();
    await pa.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor(T);
  });

  it('two people sign up, find each other and chat', async () => {
    await signUp(pa, alice);
    // The service worker that shows Web Push notifications is in place.
    expect(await pa.evaluate('navigator.serviceWorker.ready.then((r) => !!r.active)')).toBe(true);
    await signUp(pb, bob);

    await pa.getByRole('button', { name: 'New chat' }).click();
    await pa.getByRole('searchbox', { name: 'Find people' }).fill(bob);
    await pa.getByRole('button', { name: bob, exact: true }).click();
    await pa.getByRole('heading', { name: bob }).waitFor(T);
    await pa.getByRole('textbox', { name: 'Message' }).fill('Hello Bob');
    await pa.getByRole('button', { name: 'Send' }).click();
    await message(pa, 'Hello Bob').waitFor(T);

    // Bob's list shows the new conversation with one unread message.
    const conv = pb
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('link', { name: `${alice}, 1 unread` });
    await conv.waitFor(T);
    await conv.click();
    await pb.getByRole('heading', { name: alice }).waitFor(T);
    await message(pb, 'Hello Bob').getByText(alice).waitFor(T);
    // Reading it gives Alice her read tick and clears Bob's badge (on a phone the list is one step back).
    await message(pa, 'Hello Bob').getByText('Read', { exact: true }).waitFor(T);
    await pb.getByRole('button', { name: 'Back to conversations' }).click();
    await pb
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('link', { name: alice, exact: true })
      .click(T);
  });

  it('typing and presence reach the other side', async () => {
    await pb.getByRole('textbox', { name: 'Message' }).pressSequentially('Hi Ali', { delay: 20 });
    await pa.getByRole('status', { name: `${bob} is typing…` }).waitFor(T);
    await pb.getByRole('button', { name: 'Send' }).click();
    await message(pa, 'Hi Ali').waitFor(T);

    // Presence is for friends: Alice asks, Bob accepts, and each sees the other online.
    await pa.getByRole('button', { name: 'Add friend' }).click();
    await pb.getByRole('button', { name: 'Back to conversations' }).click();
    await pb.getByRole('button', { name: `Accept ${alice}` }).click(T);
    await pb.getByRole('link', { name: alice, exact: true }).click();
    await pb.getByText('online', { exact: true }).waitFor(T);
    await pa.getByText('online', { exact: true }).waitFor({ timeout: 20_000 });
  });

  it('an edit, a reaction and a delete arrive', async () => {
    const mine = message(pa, 'Hello Bob');
    await mine.getByRole('button', { name: 'More actions' }).click();
    await mine.getByRole('menuitem', { name: 'Edit' }).click();
    // While it is edited the article holds a textbox, not the text.
    await log(pa).getByRole('textbox', { name: 'Edit message' }).fill('Hello Bob, edited');
    await log(pa).getByRole('button', { name: 'Save' }).click();
    await message(pb, 'Hello Bob, edited').getByText('edited', { exact: true }).waitFor(T);

    const theirs = message(pb, 'Hello Bob, edited');
    await theirs.getByRole('button', { name: 'More actions' }).click();
    await theirs.getByRole('menuitem', { name: 'React' }).click();
    await theirs.getByRole('menuitem', { name: 'React with 👍' }).click();
    await message(pa, 'Hello Bob, edited').getByRole('button', { name: '👍 1' }).waitFor(T);

    const bobs = message(pb, 'Hi Ali');
    await bobs.getByRole('button', { name: 'More actions' }).click();
    await bobs.getByRole('menuitem', { name: 'Delete' }).click();
    await log(pa).getByRole('article').filter({ hasText: 'Message deleted' }).waitFor(T);
    await expectNone(message(pa, 'Hi Ali'));
    await pb.getByRole('textbox', { name: 'Message' }).fill('See you on Saturday');
    await pb.getByRole('button', { name: 'Send' }).click();
    await message(pa, 'See you on Saturday').waitFor(T);
    // Alice has the conversation open: what arrives there is read at once, so no badge stays.
    await pa.getByRole('link', { name: bob, exact: true }).waitFor(T);
    await message(pb, 'See you on Saturday').getByText('Read', { exact: true }).waitFor(T);
    await shot(pa, 'chat-desktop');
    await shot(pb, 'chat-phone');
  });

  it('a group: created with a member, its messages read by N', async () => {
    await pa.getByRole('button', { name: 'New group' }).click();
    await pa.getByRole('textbox', { name: 'Group name' }).fill('Weekend trip');
    await pa.getByRole('searchbox', { name: 'Find people' }).fill(bob);
    await pa.getByRole('button', { name: bob, exact: true }).click();
    await pa.getByRole('button', { name: 'Create group' }).click();
    await pa.getByRole('heading', { name: 'Weekend trip' }).waitFor(T);
    await pa.getByRole('textbox', { name: 'Message' }).fill('Who drives?');
    await pa.getByRole('button', { name: 'Send' }).click();

    await pb.getByRole('button', { name: 'Back to conversations' }).click();
    await pb.getByRole('link', { name: 'Weekend trip, 1 unread' }).click(T);
    await message(pb, 'Who drives?').waitFor(T);
    await message(pa, 'Who drives?').getByText('Read by 1', { exact: true }).waitFor(T);
  });

  it('a second tab of the same browser is signed in and gets the same messages', async () => {
    const tab2 = await a.newPage();
    await tab2.goto(pa.url());
    await tab2.getByRole('status', { name: `Signed in as ${alice}` }).waitFor(T);
    await tab2.getByRole('heading', { name: 'Weekend trip' }).waitFor(T);
    await pb.getByRole('textbox', { name: 'Message' }).fill('I can drive');
    await pb.getByRole('button', { name: 'Send' }).click();
    await message(tab2, 'I can drive').waitFor(T);
    await message(pa, 'I can drive').waitFor(T);
    await tab2.close();
  });

  it('loads older history when scrolled to the top', async () => {
    const sdk = new ChatClient({ baseUrl: server.url });
    await sdk.login({ username: bob, password: 'correct horse battery' });
    await sdk.connect();
    const channelId = (await sdk.http.groups()).find((g) => g.name === 'Weekend trip')!.id;
    for (let i = 0; i < 40; i++) await sdk.send({ channelId, content: `history ${i}` });
    sdk.close();
    await message(pa, 'history 39').waitFor(T);
    // Alice on a new device: it starts with the newest page; scrolling up brings the older ones.
    const device = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const p = await device.newPage();
    await p.goto(server.url);
    await p.getByRole('textbox', { name: 'Username' }).fill(alice);
    await p.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('link', { name: 'Weekend trip' }).click(T);
    await message(p, 'history 39').waitFor(T);
    expect(await message(p, 'Who drives?').count()).toBe(0);
    for (let i = 0; i < 10 && (await message(p, 'Who drives?').count()) === 0; i++) {
      await log(p).hover();
      await p.mouse.wheel(0, -5_000);
      await p.waitForTimeout(200);
    }
    await message(p, 'Who drives?').waitFor(T);
    expect(await message(p, 'history 0').count()).toBe(1);
    await device.close();
  });

  it('catches up on what was sent while its server restarted and it was away', async () => {
    await b.setOffline(true);
    const port = new URL(server.url).port;
    await server.kill();
    server = await spawnServer({ DATA_DIR: dataDir, PORT: port });
    // Alice's tab reconnects by itself and sends; Bob's is still offline.
    await pa.getByRole('status', { name: 'Reconnecting' }).waitFor({ state: 'detached', timeout: 30_000 });
    await pa.getByRole('textbox', { name: 'Message' }).fill('Sent while you were away');
    await pa.getByRole('button', { name: 'Send' }).click();
    await message(pa, 'Sent while you were away').waitFor(T);
    await b.setOffline(false);
    await message(pb, 'Sent while you were away').waitFor({ timeout: 30_000 });
    await expectOnce(message(pb, 'Sent while you were away'));
  });
});

async function expectNone(l: Locator): Promise<void> {
  expect(await l.count()).toBe(0);
}

async function expectOnce(l: Locator): Promise<void> {
  expect(await l.count()).toBe(1);
}
