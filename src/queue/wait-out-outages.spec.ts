import { errors } from 'cassandra-driver';
import { waitOutOutages } from './wait-out-outages';

const meta = { attempt: 1, jobId: 'j' };
const fast = { maxWaitMs: 200, retryEveryMs: 10 };

describe('waitOutOutages', () => {
  it('runs a job again in place while a store is down, and succeeds once it is back', async () => {
    let runs = 0;
    const job = waitOutOutages(async () => {
      if (++runs < 4) throw new errors.NoHostAvailableError({});
    }, fast);
    await job({ messageId: '1', channelId: 'c', senderId: 's' }, meta);
    expect(runs).toBe(4);
  });

  it('hands any other error to the queue at once', async () => {
    let runs = 0;
    const job = waitOutOutages(async () => {
      runs++;
      throw new Error('a bug');
    }, fast);
    await expect(job({ messageId: '1', channelId: 'c', senderId: 's' }, meta)).rejects.toThrow('a bug');
    expect(runs).toBe(1);
  });

  it('gives up after its patience, so a long outage falls back to the queue’s retries', async () => {
    const job = waitOutOutages(async () => {
      throw new errors.NoHostAvailableError({});
    }, fast);
    await expect(job({ messageId: '1', channelId: 'c', senderId: 's' }, meta)).rejects.toBeInstanceOf(
      errors.NoHostAvailableError,
    );
  });
});
