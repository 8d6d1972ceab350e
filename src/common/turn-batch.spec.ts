import { TurnBatch } from './turn-batch';

describe('TurnBatch', () => {
  it('hands over what one turn added, once, after the turn', async () => {
    const flushed: number[][] = [];
    const batch = new TurnBatch<number>((items) => flushed.push(items));
    batch.add(1);
    batch.add(2);
    expect([flushed, batch.size]).toEqual([[], 2]);
    await new Promise((r) => setImmediate(r));
    batch.add(3);
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual([[1, 2], [3]]);
  });

  it('hands over nothing that was taken before the turn ended', async () => {
    const flushed: number[][] = [];
    const batch = new TurnBatch<number>((items) => flushed.push(items));
    batch.add(1);
    expect(batch.take()).toEqual([1]);
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual([[]]);
  });
});
