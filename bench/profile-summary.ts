import { readFileSync } from 'node:fs';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Self time by function, highest first; (idle) and (program) are kept so the shares add up. */
  topFunctions: SelfTime[];
  /** Self time by package (node_modules/<pkg>), app folder (dist/<feature>), node internals or V8. */
  byArea: SelfTime[];
}

/**
 * Reads a .cpuprofile and adds up self time per function and per area of the code. A native function (a
 * better-sqlite3 statement, a write to a socket) has no source of its own: it is named after its nearest
 * JavaScript caller, since that says which package spent the time. Samples are taken on the main thread, so a
 * synchronous call that blocks (an fsync inside SQLite) shows up as self time of that call.
 */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const caller = (id: number): CpuProfileNode | undefined => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const n = byId.get(p);
      if (n?.callFrame.url) return n;
    }
    return undefined;
  };
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const area = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node || us <= 0) return;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const native = !url && !functionName.startsWith('(') ? caller(id) : undefined;
    const frame = native?.callFrame;
    const where = url
      ? `${shortUrl(url)}:${lineNumber + 1}`
      : frame
        ? `native, from ${shortUrl(frame.url)}:${frame.lineNumber + 1}`
        : '';
    const key = `${functionName}@${where}`;
    const entry = fn.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const a = frame ? `${areaOf(frame.functionName, frame.url)} (native calls)` : areaOf(functionName, url);
    area.set(a, (area.get(a) ?? 0) + us);
  });
  const pct = (us: number) => Math.round((us * 1000) / Math.max(total, 1)) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    file,
    totalMs: ms(total),
    topFunctions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: ms(e.us), percent: pct(e.us) })),
    byArea: [...area.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, where: '', selfMs: ms(us), percent: pct(us) })),
  };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + 1).split('/');
    return parts.length > 2 ? `app ${parts[1]}` : 'app';
  }
  return url;
}
