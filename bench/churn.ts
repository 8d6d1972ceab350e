import { ChatApiError, ChatHttpClient, ChatSocket } from '@chat-server/client';
import { Account, PASSWORD } from './accounts';
import { LatencySummary, newHistogram, summarize } from './histograms';

/** What mixed does beside the DM load, each at its own fixed rate (per second). */
export interface ChurnRates {
  logins: number;
  churn: number;
  friendships: number;
}

export const CHURN_OPS = ['login', 'refresh', 'connect', 'friend'] as const;
export type ChurnOp = (typeof CHURN_OPS)[number];

export interface ChurnOpSummary {
  /** Operations started in the measured window, answered ok, and failed by error code. */
  started: number;
  ok: number;
  errors: Record<string, number>;
  /** Ok operations started in the measured window, timed from the request to its answer. */
  latency: LatencySummary;
}

export interface ChurnSummary {
  rates: ChurnRates;
  holdS: number;
  /** Sockets closed by the churn (each an offline transition for a user with no other device on). */
  disconnects: number;
  /** Friendships not attempted because every distinct pair of churn users was used. */
  friendshipsSkipped: number;
  ops: Record<ChurnOp, ChurnOpSummary>;
}

/** How many of an open-loop schedule's operations are due `elapsedMs` after its start. */
export const dueCount = (elapsedMs: number, perSecond: number): number =>
  perSecond > 0 && elapsedMs > 0 ? Math.floor((elapsedMs * perSecond) / 1000) : 0;

/**
 * The n-th friendship among k users: user a = n mod k asks user a + 1 + floor(n / k) (mod k). Distinct
 * unordered pairs for n < k * floor((k - 1) / 2); undefined past that.
 */
export function friendPair(n: number, k: number): [number, number] | undefined {
  const round = Math.floor(n / k);
  if (round >= Math.floor((k - 1) / 2)) return undefined;
  const a = n % k;
  return [a, (a + 1 + round) % k];
}

const TICK_MS = 10;

/**
 * Logins (each followed by a refresh of the new session's token), socket connects (each closed again after
 * `holdS`, so a user goes online and offline) and friendships (a request and its accept), at fixed rates from
 * the first message of the load, among `users`. Only operations started after the warm-up are counted and timed.
 * Never throws: a failed operation counts under its error code.
 */
export class ChurnDriver {
  private readonly hist = Object.fromEntries(CHURN_OPS.map((o) => [o, newHistogram()])) as Record<
    ChurnOp,
    ReturnType<typeof newHistogram>
  >;
  private readonly counts = Object.fromEntries(
    CHURN_OPS.map((o) => [o, { started: 0, ok: 0, errors: {} as Record<string, number> }]),
  ) as Record<ChurnOp, { started: number; ok: number; errors: Record<string, number> }>;
  private readonly inflight = new Set<Promise<void>>();
  private readonly sockets = new Set<ChatSocket>();
  private disconnects = 0;
  private friendshipsSkipped = 0;

  constructor(
    private readonly apiUrl: string,
    private readonly chatUrls: string[],
    private readonly users: Account[],
    private readonly rates: ChurnRates,
    private readonly holdS: number,
    private readonly timeoutMs: number,
  ) {}

  async run(warmupMs: number, durationMs: number): Promise<ChurnSummary> {
    const start = Date.now();
    const measureFrom = start + warmupMs;
    const stopAt = measureFrom + durationMs;
    const scheduled = { login: 0, connect: 0, friend: 0 };
    const rateOf = { login: this.rates.logins, connect: this.rates.churn, friend: this.rates.friendships };
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const t = Date.now();
        for (const kind of ['login', 'connect', 'friend'] as const) {
          const due = dueCount(Math.min(t, stopAt) - start, rateOf[kind]);
          while (scheduled[kind] < due) {
            const n = scheduled[kind]++;
            const measured = start + (n * 1000) / rateOf[kind] >= measureFrom;
            this.track(this.launch(kind, n, measured));
          }
        }
        if (t >= stopAt) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
    while (this.inflight.size) await Promise.all([...this.inflight]);
    for (const s of this.sockets) s.close();
    return {
      rates: this.rates,
      holdS: this.holdS,
      disconnects: this.disconnects,
      friendshipsSkipped: this.friendshipsSkipped,
      ops: Object.fromEntries(
        CHURN_OPS.map((o) => [o, { ...this.counts[o], latency: summarize(this.hist[o]) }]),
      ) as Record<ChurnOp, ChurnOpSummary>,
    };
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private launch(kind: 'login' | 'connect' | 'friend', n: number, measured: boolean): Promise<void> {
    const user = this.users[n % this.users.length];
    if (kind === 'login') return this.login(user, measured);
    if (kind === 'connect') return this.connect(user, n, measured);
    const pair = friendPair(n, this.users.length);
    if (!pair) {
      this.friendshipsSkipped++;
      return Promise.resolve();
    }
    const [a, b] = pair.map((i) => this.users[i]);
    return this.timed('friend', measured, async () => {
      const request = await a.http!.requestFriend(b.userId);
      await b.http!.acceptFriend(request.id);
    }).then(() => undefined);
  }

  private async login(user: Account, measured: boolean): Promise<void> {
    const http = new ChatHttpClient(this.apiUrl);
    let refreshToken: string | undefined;
    await this.timed('login', measured, async () => {
      refreshToken = (await http.login({ username: user.username!, password: PASSWORD })).refreshToken;
    });
    if (refreshToken) await this.timed('refresh', measured, () => http.refresh(refreshToken!));
  }

  private async connect(user: Account, n: number, measured: boolean): Promise<void> {
    const url = this.chatUrls[n % this.chatUrls.length];
    const socket = new ChatSocket(url, { token: user.token, deviceId: `churn-${n}` });
    this.sockets.add(socket);
    const ok = await this.timed('connect', measured, () => socket.connected());
    if (ok) await new Promise((r) => setTimeout(r, this.holdS * 1000));
    socket.close();
    this.sockets.delete(socket);
    if (ok) this.disconnects++;
  }

  /** Runs `fn` with the driver's timeout; counts and times it when `measured`. */
  private async timed(op: ChurnOp, measured: boolean, fn: () => Promise<unknown>): Promise<boolean> {
    const c = this.counts[op];
    if (measured) c.started++;
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), this.timeoutMs);
        }),
      ]);
      if (measured) {
        c.ok++;
        this.hist[op].recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
      }
      return true;
    } catch (e) {
      const code = e instanceof ChatApiError ? e.code : e instanceof Error ? e.message.slice(0, 40) : 'error';
      if (measured) c.errors[code] = (c.errors[code] ?? 0) + 1;
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
