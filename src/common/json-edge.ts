/**
 * Checks on input before it reaches class-transformer (whose recursion overflows the stack on deep nesting,
 * a 500) and before text is stored: nesting depth, and strings that are not valid Unicode (lone surrogates).
 */

/** Deeper than any body or payload of the contract (they are flat objects); a legal one never comes close. */
export const MAX_JSON_DEPTH = 32;

export const TOO_DEEP = `JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
export const LONE_SURROGATE = 'text must be valid Unicode (no lone surrogates)';

/** `String.prototype.isWellFormed` (Node 20) is not in the ES2022 lib the project compiles against. */
export const isWellFormed = (s: string): boolean =>
  (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const U = 0x75;

function hex4(buf: Uint8Array, at: number): number {
  let n = 0;
  for (let i = at; i < at + 4; i++) {
    const c = buf[i] | 0x20; // lower-case a letter; digits keep their value
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (d < 0 || i >= buf.length) return -1; // malformed: JSON.parse words the error
    n = n * 16 + d;
  }
  return n;
}

/**
 * One pass over a raw UTF-8 JSON body, before it is parsed: the deepest nesting, and `\uXXXX` escapes that
 * decode to a lone surrogate (raw UTF-8 cannot carry one; the decoder turns such bytes into U+FFFD). Returns
 * what is wrong, or undefined. Linear and allocation-free, so an ordinary body pays next to nothing.
 */
export function rawJsonProblem(buf: Uint8Array, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  let highPending = false; // the last escape was a high surrogate: a low one must follow at once
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === BACKSLASH && buf[i + 1] === U) {
        const code = hex4(buf, i + 2);
        i += 5;
        const low = code >= 0xdc00 && code <= 0xdfff;
        if (highPending !== low) return LONE_SURROGATE;
        highPending = code >= 0xd800 && code <= 0xdbff;
        continue;
      }
      if (highPending) return LONE_SURROGATE;
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return TOO_DEEP;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return highPending ? LONE_SURROGATE : undefined;
}

/**
 * The same checks on a value that is already parsed (Socket.IO payloads): an iterative walk that stops as
 * soon as the depth is exceeded, so a hostile payload costs no more than its first MAX_JSON_DEPTH levels.
 */
export function parsedJsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length) {
    const { v, d } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return LONE_SURROGATE;
    } else if (v !== null && typeof v === 'object') {
      if (d >= maxDepth) return TOO_DEEP;
      for (const k of Object.keys(v)) {
        if (!isWellFormed(k)) return LONE_SURROGATE;
        stack.push({ v: (v as Record<string, unknown>)[k], d: d + 1 });
      }
    }
  }
  return undefined;
}
