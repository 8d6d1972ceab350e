import { ChatHttpClient } from '@chat-server/client';
import { e2eStacks, tempDataDir } from '../support/app';
import { aDevice, aUser } from '../support/builders';
import { spawnServer } from '../support/process';

/**
 * An ack means "durably stored": the server process is SIGKILLed right after acking a burst, then restarted
 * on the same stores; every acked message must be in history and in the recipient's sync.
 */
describe.each(e2eStacks('kill e2e'))('crash safety ($name)', ({ env }) => {
  it('keeps every acked message across a SIGKILL right after the acks', async () => {
    const dataDir = tempDataDir();
    const first = await spawnServer({
      ...env,
      DATA_DIR: dataDir,
      SEND_BURST: '1000',
      SEND_RATE_PER_SECOND: '1000',
    });
    const http = new ChatHttpClient(first.url);
    const [a, b] = await Promise.all([aUser(http), aUser(http)]);
    const a1 = await aDevice(first.url, a);
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        a1.send({ clientMsgId: `burst-${i}`, to: b.user.id, content: `burst ${i}` }),
      ),
    );
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    a1.close();
    const acked = acks.filter((x) => x.ok).map((x) => (x.ok ? x.message.id : ''));
    expect(acked).toHaveLength(200);

    const second = await spawnServer({ ...env, DATA_DIR: dataDir });
    try {
      const bHttp = new ChatHttpClient(second.url, b.accessToken); // tokens survive the restart
      const synced: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await bHttp.sync({ after, limit: 500 });
        synced.push(...page.messages.map((m) => m.id));
        after = page.cursor;
        if (!page.hasMore) break;
      }
      expect(synced).toEqual(acked);
      const history: string[] = [];
      let before: string | undefined;
      do {
        const page = await bHttp.history(acks[0].ok ? acks[0].message.channelId : '', { before, limit: 100 });
        history.push(...page.messages.map((m) => m.id));
        before = page.nextBefore ?? undefined;
      } while (before);
      expect(history).toEqual([...acked].reverse());
    } finally {
      await second.kill('SIGTERM');
    }
  }, 60_000);
});
