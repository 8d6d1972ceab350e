import { contentLength } from './message';

describe('contentLength', () => {
  it('counts characters, not UTF-16 units or bytes', () => {
    expect(contentLength('abc')).toBe(3);
    expect(contentLength('😀'.repeat(60_000))).toBe(60_000);
    expect(contentLength('é'.repeat(100_001))).toBe(100_001);
  });
});
