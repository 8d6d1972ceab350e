/** 2025-01-01T00:00:00Z: 41 bits of milliseconds from here last until 2094. */
export const SNOWFLAKE_EPOCH_MS = 1_735_689_600_000;
const NODE_BITS = 10n;
const SEQ_BITS = 12n;
const MAX_SEQ = (1 << Number(SEQ_BITS)) - 1;
export const MAX_NODE_ID = (1 << Number(NODE_BITS)) - 1;

/**
 * 64-bit ids: 41 bits ms since the epoch, 10 bits node, 12 bits sequence. Strictly increasing per
 * generator: when the clock steps back, or 4096 ids are taken in one millisecond, the generator keeps
 * counting on its own logical millisecond instead of waiting or repeating.
 */
export class SnowflakeGenerator {
  private lastMs = -1;
  private seq = 0;

  constructor(
    private readonly nodeId: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > MAX_NODE_ID)
      throw new Error(`node id out of range: ${nodeId}`);
  }

  next(): bigint {
    const ms = this.now() - SNOWFLAKE_EPOCH_MS;
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = 0;
    } else if (this.seq < MAX_SEQ) {
      this.seq++;
    } else {
      this.lastMs++;
      this.seq = 0;
    }
    return (
      (BigInt(this.lastMs) << (NODE_BITS + SEQ_BITS)) | (BigInt(this.nodeId) << SEQ_BITS) | BigInt(this.seq)
    );
  }
}

/** The wall-clock time encoded in an id. */
export function snowflakeTime(id: bigint | string): number {
  return Number(BigInt(id) >> (NODE_BITS + SEQ_BITS)) + SNOWFLAKE_EPOCH_MS;
}

/** Smallest id that can be issued at or after `ms` (useful as an exclusive lower bound minus one). */
export function snowflakeAt(ms: number): bigint {
  return BigInt(Math.max(0, ms - SNOWFLAKE_EPOCH_MS)) << (NODE_BITS + SEQ_BITS);
}

const ID_RE = /^\d{1,20}$/;
/** A message id as clients send it: a decimal string within 63 bits. */
export function isSnowflakeString(v: unknown): v is string {
  return typeof v === 'string' && ID_RE.test(v) && BigInt(v) < 1n << 63n;
}
