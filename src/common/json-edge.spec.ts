import { LONE_SURROGATE, MAX_JSON_DEPTH, parsedJsonProblem, rawJsonProblem, TOO_DEEP } from './json-edge';

const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
const raw = (s: string) => rawJsonProblem(Buffer.from(s, 'utf8'));

describe('rawJsonProblem (REST bodies, before JSON.parse)', () => {
  it('passes ordinary bodies, escapes and surrogate pairs', () => {
    expect(raw('{"a":"x\\"[[[[","b":[1,{"c":"\\\\"}],"e":"\\ud83d\\ude00 😀 \\u00e9"}')).toBeUndefined();
    expect(raw(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('refuses nesting past the limit, however it is spelled', () => {
    expect(raw(nested(MAX_JSON_DEPTH + 1))).toBe(TOO_DEEP);
    expect(raw(`{"a":${'{"b":'.repeat(5000)}1${'}'.repeat(5000)}}`)).toBe(TOO_DEEP);
  });

  it('refuses lone surrogates written as escapes', () => {
    for (const s of ['"\\ud800"', '"\\uDC00x"', '"\\ud800\\ud800\\udc00"', '"\\ud800\\n"', '"\\ud800'])
      expect(raw(s)).toBe(LONE_SURROGATE);
  });
});

describe('parsedJsonProblem (Socket.IO payloads)', () => {
  it('agrees with the raw scan', () => {
    for (const s of [nested(MAX_JSON_DEPTH), nested(MAX_JSON_DEPTH + 1), '{"a":"\\ud800"}', '{"\\udc00":1}'])
      expect(parsedJsonProblem(JSON.parse(s))).toBe(raw(s));
  });
});
