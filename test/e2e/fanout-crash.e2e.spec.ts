import { FANOUT_PAUSED, FAULTS } from '../../src/fault-injection/faults';
import { ChatHttpClient } from '@chat-server/client';
import { TEST_JWT_SECRET } from '../support/app';
import { aDevice, aUser } from '../support/builders';
import { ServerProcess, spawnServer } from '../support/process';
import { describeWith } from '../support/services';

/**
 * Group fan-out survives a worker crash: the worker is SIGKILLed halfway through a fan-out job (an injected
 * fault stops it after writing half the inboxes); a new worker picks the stalled job up and completes it, and
 * every member has the message exactly once.
 */
describeWith(
  ['postgres', 'redis'],
  'group fan-out across a worker crash (real BullMQ)',
  ({ postgres, redis }) => {
    it('completes a fan-out job whose worker was killed mid-job, with one inbox copy per member', async () => {
      const env = {
        DATABASE_URL: postgres,
        REDIS_URL: redis,
        JWT_SECRET: TEST_JWT_SECRET,
        JOB_LOCK_MS: '1500',
        JOB_STALLED_INTERVAL_MS: '500',
      };
      const procs: ServerProcess[] = [];
      try {
        const front = await spawnServer({ ...env, ROLES: 'api,chat' });
        procs.push(front);
        const doomed = await spawnServer({ ...env, ROLES: 'worker', CHAT_TEST_HOOKS: 'true' });
        procs.push(doomed);
        const http = new ChatHttpClient(front.url);
        const owner = await aUser(http);
        const members = await Promise.all(Array.from({ length: 30 }, () => aUser(http)));
        const group = await owner.http.createGroup({
          name: 'crash',
          memberIds: members.map((m) => m.user.id),
        });
        const socket = await aDevice(front.url, owner);
        const ack = await socket.send({
          clientMsgId: 'c1',
          channelId: group.id,
          content: `${FAULTS.pauseFanout} survives`,
        });
        expect(ack.ok).toBe(true);
        const id = ack.ok ? ack.message.id : '';
        await doomed.waitForLine(FANOUT_PAUSED);
        await doomed.kill('SIGKILL');
        const inboxCount = async () =>
          (await Promise.all([owner, ...members].map((u) => u.http.sync()))).map(
            (p) => p.messages.filter((m) => m.id === id).length,
          );
        expect((await inboxCount()).filter((n) => n === 1).length).toBeLessThan(31); // really halfway

        procs.push(await spawnServer({ ...env, ROLES: 'worker' }));
        const deadline = Date.now() + 20_000;
        let counts = await inboxCount();
        while (counts.some((n) => n !== 1) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          counts = await inboxCount();
        }
        expect(counts).toEqual(Array(31).fill(1));
        socket.close();
      } finally {
        await Promise.all(procs.map((p) => p.kill('SIGKILL')));
      }
    }, 90_000);
  },
);
