import { SendOrder } from './send-order';

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A send whose write completes when the test says so. */
function aSend(order: SendOrder, name: string, log: string[]) {
  const written = deferred();
  const result = order.run(async () => {
    log.push(`start ${name}`);
    return async () => {
      await written.promise;
      log.push(`finish ${name}`);
      return name;
    };
  });
  result.then(
    () => log.push(`ack ${name}`),
    () => log.push(`error ${name}`),
  );
  return { written, result };
}

/** Two sends of one device, a then b. */
function twoSends() {
  const order = new SendOrder();
  const log: string[] = [];
  return { log, first: aSend(order, 'a', log), second: aSend(order, 'b', log) };
}

/** Lets every promise callback queued so far run. */
const flush = () => new Promise((r) => setImmediate(r));

describe('SendOrder', () => {
  it('acks two sends of one device in order even when the first write is slower', async () => {
    const { log, first, second } = twoSends();
    second.written.resolve();
    await flush();
    expect(log).toEqual(['start a', 'start b']); // b is written but waits for a

    first.written.resolve();
    await expect(second.result).resolves.toBe('b');
    expect(log).toEqual(['start a', 'start b', 'finish a', 'ack a', 'finish b', 'ack b']);
  });

  it('starts the next send while the one before it is still being written', async () => {
    const { log } = twoSends();
    await flush();
    expect(log).toEqual(['start a', 'start b']);
  });

  it('does not make one device wait for another', async () => {
    const log: string[] = [];
    aSend(new SendOrder(), 'slow', log); // never written
    const other = aSend(new SendOrder(), 'other', log);
    other.written.resolve();
    await expect(other.result).resolves.toBe('other');
    expect(log).not.toContain('finish slow');
  });

  it('answers the next send after a send that failed to start', async () => {
    const order = new SendOrder();
    const log: string[] = [];
    const failed = order.run<string>(() => Promise.reject(new Error('rate_limited')));
    const next = aSend(order, 'b', log);
    next.written.resolve();
    await expect(failed).rejects.toThrow('rate_limited');
    await expect(next.result).resolves.toBe('b');
  });

  it('answers the next send after a send whose write failed, and only after that failure', async () => {
    const { log, first, second } = twoSends();
    second.written.resolve();
    first.written.reject(new Error('unavailable'));
    await expect(first.result).rejects.toThrow('unavailable');
    await expect(second.result).resolves.toBe('b');
    expect(log).toEqual(['start a', 'start b', 'error a', 'finish b', 'ack b']);
  });
});
