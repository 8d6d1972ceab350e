import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync } from './wal-sync';

/** Counts fdatasyncs and lets the test decide when each one finishes. */
class CountedWalSync extends WalSync {
  started = 0;
  private finishers: (() => void)[] = [];

  protected override sync(): Promise<void> {
    this.started++;
    return new Promise((resolve) => this.finishers.push(resolve));
  }

  finishOne(): void {
    this.finishers.shift()!();
  }
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('WalSync', () => {
  it('answers a commit with one fdatasync once it finishes', async () => {
    const wal = new CountedWalSync('unused');
    const commit = wal.durable();
    expect(await settled(commit)).toBe(false);
    wal.finishOne();
    await commit;
    expect(wal.started).toBe(1);
  });

  it('makes a commit that came during an fdatasync wait for the next one, shared by all such commits', async () => {
    const wal = new CountedWalSync('unused');
    const early = wal.durable();
    const late = [wal.durable(), wal.durable()];
    wal.finishOne();
    await early;
    expect(await settled(Promise.all(late))).toBe(false);
    expect(wal.started).toBe(2);
    wal.finishOne();
    await Promise.all(late);
    expect(wal.started).toBe(2);
  });

  it('syncs the real WAL file and rejects when it is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wal-sync-'));
    writeFileSync(join(dir, 'db-wal'), 'frames');
    await expect(new WalSync(join(dir, 'db-wal')).durable()).resolves.toBeUndefined();
    await expect(new WalSync(join(dir, 'missing-wal')).durable()).rejects.toThrow(/ENOENT/);
  });
});
