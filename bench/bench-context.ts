import type { BenchOptions } from './options';
import { ProcSampler } from './proc-stats';
import type { Progress } from './protocol';

const MB = 1024 * 1024;

/** What every scenario shares: the options, the process sampler, where files go, and the console. */
export class BenchContext {
  readonly sampler = new ProcSampler();

  constructor(
    readonly opts: BenchOptions,
    /** Output path without extension: `<dir>/<scenario>-<timestamp>`; profiles go beside the JSON. */
    readonly outBase: string,
  ) {}

  log(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  /** Prints a progress line every second until the returned function is called. */
  startProgress(label: string, source: () => Progress): () => void {
    const started = Date.now();
    let last: Progress | undefined;
    const server = { t: Date.now(), cpu: 0 };
    const gen = { t: Date.now(), cpu: 0 };
    this.sampler.cpuPercentSince('server', server);
    this.sampler.cpuPercentSince('generator', gen);
    const timer = setInterval(() => {
      const p = source();
      const d = (k: keyof Progress) => (last ? p[k] - last[k] : p[k]);
      const serverCpu = this.sampler.cpuPercentSince('server', server);
      const genCpu = this.sampler.cpuPercentSince('generator', gen);
      const rss = this.sampler.rssBytes('server') / MB;
      const messages =
        p.offered > 0
          ? ` | offered ${p.offered} (+${d('offered')}) acked ${p.acked} (+${d('acked')})` +
            ` delivered ${p.delivered} (+${d('delivered')}) errors ${p.errors} inflight ${p.inflight}` +
            (p.reads > 0 ? ` reads ${p.reads} (+${d('reads')})` : '')
          : '';
      this.log(
        `[${label} ${((Date.now() - started) / 1000).toFixed(0)}s] conns ${p.connected}` +
          (p.disconnects ? ` (${p.disconnects} dropped)` : '') +
          messages +
          ` | server cpu ${serverCpu.toFixed(0)}% rss ${rss.toFixed(0)} MB | generator cpu ${genCpu.toFixed(0)}%`,
      );
      last = p;
    }, 1000);
    return () => clearInterval(timer);
  }
}
