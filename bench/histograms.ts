import * as hdr from 'hdr-histogram-js';

/** Latencies are recorded in microseconds, 1 µs to 10 min, 3 significant digits. */
export function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export const encodeHistogram = (h: hdr.Histogram): string => hdr.encodeIntoCompressedBase64(h);

/** Merges histograms that workers sent in their encoded form. */
export function mergeEncoded(encoded: readonly string[]): hdr.Histogram {
  const total = newHistogram();
  for (const e of encoded) total.add(hdr.decodeFromCompressedBase64(e));
  return total;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
}

const ms = (us: number) => Math.round(us) / 1000;

export function summarize(h: hdr.Histogram): LatencySummary {
  const n = h.totalCount;
  return {
    count: n,
    p50Ms: n ? ms(h.getValueAtPercentile(50)) : 0,
    p90Ms: n ? ms(h.getValueAtPercentile(90)) : 0,
    p99Ms: n ? ms(h.getValueAtPercentile(99)) : 0,
    p999Ms: n ? ms(h.getValueAtPercentile(99.9)) : 0,
    maxMs: n ? ms(h.maxValue) : 0,
    meanMs: n ? ms(h.mean) : 0,
  };
}
