import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A STAND-IN for a Consul agent, not Consul. Consul's server cannot be installed here (DESIGN.md section 8),
 * so the discovery adapter is tested against this small HTTP server on 127.0.0.1. It implements only the
 * endpoints the adapter uses, as Consul's HTTP API documents them:
 *
 * - `PUT /v1/agent/service/register` (ID defaults to Name; a single `Check` gets the id `service:<ID>`,
 *   a `Checks` list `service:<ID>:<n>`; a check starts `critical` unless `Status` says otherwise, and a
 *   re-registration keeps an existing check's status when it gives none). Only TTL checks are supported.
 * - `PUT /v1/agent/service/deregister/:service_id`
 * - `PUT /v1/agent/check/update/:check_id` (`{Status, Output}`) and `PUT /v1/agent/check/pass/:check_id?note=`
 * - `GET /v1/health/service/:service[?passing]`: entries `{Node, Service, Checks}`, the node's `serfHealth`
 *   check included; with `passing`, only entries whose every check passes.
 *
 * A TTL check not updated within its TTL turns `critical` (Output "TTL expired"). A service whose check stays
 * critical for its `DeregisterCriticalServiceAfter` is reaped (Consul: at least 1 minute, reaper every 30 s;
 * both can be shortened here). With `aclToken`, requests are checked the way Consul checks them with
 * `default_policy = deny`: an unknown token is `403 ACL not found`; no token (anonymous) is
 * `403 Permission denied` on writes, while reads answer 200 with the entries filtered out and the header
 * `X-Consul-Results-Filtered-By-ACLs: true`.
 */
export interface ConsulStandInOptions {
  aclToken?: string;
  /** How often critical services are reaped (Consul: 30 s). */
  reapIntervalMs?: number;
  /** The floor on DeregisterCriticalServiceAfter (Consul: 1 minute). */
  minDeregisterAfterMs?: number;
  /** Holds every answer this long, to test client timeouts. */
  delayMs?: number;
}

export type CheckStatus = 'passing' | 'warning' | 'critical';

export interface StandInCheck {
  CheckID: string;
  Name: string;
  Status: CheckStatus;
  Output: string;
  Notes: string;
  ServiceID: string;
  ServiceName: string;
  ttlMs: number;
  deregisterAfterMs: number | undefined;
  expiresAt: number;
  criticalSince: number | undefined;
}

export interface StandInService {
  ID: string;
  Service: string;
  Tags: string[];
  Address: string;
  Port: number;
  Meta: Record<string, string>;
  checks: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  token: string | undefined;
  body: unknown;
}

/** Events: 'register' (service), 'deregister' (id), 'status' (check, after a change), 'reap' (id). */
export interface ConsulStandIn {
  url: string;
  events: EventEmitter;
  requests: RecordedRequest[];
  services: Map<string, StandInService>;
  checks: Map<string, StandInCheck>;
  /** Answers 500 to everything while true, like an agent that lost its servers. */
  down: boolean;
  /** Forgets a service and its checks without a request, like an agent restarted without its state. */
  forget(serviceId: string): void;
  /** Resolves with the first event of `name` whose argument satisfies `match`; rejects after timeoutMs. */
  next<T>(name: string, match?: (arg: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const NODE = { ID: '5c1e2a4f-0000-4000-8000-00000000c0de', Node: 'consul-standin', Address: '127.0.0.1' };
const STATUSES: readonly CheckStatus[] = ['passing', 'warning', 'critical'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startConsulStandIn(options: ConsulStandInOptions = {}): Promise<ConsulStandIn> {
  const events = new EventEmitter();
  const services = new Map<string, StandInService>();
  const checks = new Map<string, StandInCheck>();
  const requests: RecordedRequest[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  const waiting = new Set<NodeJS.Timeout>();
  const minDeregisterAfterMs = options.minDeregisterAfterMs ?? 60_000;
  let index = 1;

  const setStatus = (check: StandInCheck, status: CheckStatus, output: string) => {
    const changed = check.Status !== status || check.Output !== output;
    if (status === 'critical' && check.Status !== 'critical') check.criticalSince = Date.now();
    if (status !== 'critical') check.criticalSince = undefined;
    check.Status = status;
    check.Output = output;
    if (changed) {
      index++;
      events.emit('status', { ...check });
    }
  };

  const armTtl = (check: StandInCheck) => {
    clearTimeout(timers.get(check.CheckID));
    check.expiresAt = Date.now() + check.ttlMs;
    const t = setTimeout(() => expire(check.CheckID), check.ttlMs);
    t.unref();
    timers.set(check.CheckID, t);
  };

  const expire = (checkId: string) => {
    const check = checks.get(checkId);
    if (!check || check.Status === 'critical') return;
    const left = check.expiresAt - Date.now();
    if (left <= 0) {
      setStatus(check, 'critical', 'TTL expired');
      return;
    }
    // Timers run on the monotonic clock and may fire a millisecond before Date.now() reaches expiresAt:
    // wait out the rest instead of leaving the check passing for good.
    const t = setTimeout(() => expire(checkId), left);
    t.unref();
    timers.set(checkId, t);
  };

  const removeService = (id: string) => {
    const svc = services.get(id);
    if (!svc) return false;
    for (const cid of svc.checks) {
      clearTimeout(timers.get(cid));
      timers.delete(cid);
      checks.delete(cid);
    }
    services.delete(id);
    index++;
    return true;
  };

  const reaper = setInterval(() => {
    const now = Date.now();
    for (const check of checks.values()) {
      const after = check.deregisterAfterMs;
      if (after === undefined || check.criticalSince === undefined) continue;
      if (
        now - check.criticalSince >= Math.max(after, minDeregisterAfterMs) &&
        removeService(check.ServiceID)
      ) {
        events.emit('reap', check.ServiceID);
      }
    }
  }, options.reapIntervalMs ?? 30_000);
  reaper.unref();

  const register = (body: Record<string, unknown>) => {
    const name = str(body.Name);
    if (!name) throw new HttpError(400, 'Missing service name');
    const id = str(body.ID) || name;
    const meta = (body.Meta ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(meta)) {
      if (!/^[A-Za-z0-9_-]{1,128}$/.test(k) || typeof v !== 'string' || v.length > 512) {
        throw new HttpError(400, `Invalid Service Meta: invalid key or value for ${JSON.stringify(k)}`);
      }
    }
    const defs: Record<string, unknown>[] = body.Check
      ? [body.Check as Record<string, unknown>]
      : Array.isArray(body.Checks)
        ? (body.Checks as Record<string, unknown>[])
        : [];
    const previous = services.get(id);
    const svc: StandInService = {
      ID: id,
      Service: name,
      Tags: Array.isArray(body.Tags) ? body.Tags.map(String) : [],
      Address: str(body.Address),
      Port: typeof body.Port === 'number' ? body.Port : 0,
      Meta: meta as Record<string, string>,
      checks: [],
    };
    defs.forEach((def, i) => {
      const ttlMs = parseDuration(str(def.TTL));
      if (!ttlMs) throw new HttpError(400, 'Invalid check: the stand-in supports only TTL checks');
      const checkId = str(def.CheckID) || (defs.length === 1 ? `service:${id}` : `service:${id}:${i + 1}`);
      const status = str(def.Status);
      if (status && !STATUSES.includes(status as CheckStatus)) {
        throw new HttpError(400, `Invalid check status: "${status}"`);
      }
      const existing = checks.get(checkId);
      const after = str(def.DeregisterCriticalServiceAfter);
      const check: StandInCheck = {
        CheckID: checkId,
        Name: str(def.Name) || `Service '${name}' check`,
        Status: existing?.Status ?? 'critical',
        Output: existing?.Output ?? '',
        Notes: str(def.Notes),
        ServiceID: id,
        ServiceName: name,
        ttlMs,
        deregisterAfterMs: after ? parseDuration(after) : undefined,
        expiresAt: 0,
        criticalSince: existing?.criticalSince ?? Date.now(),
      };
      checks.set(checkId, check);
      svc.checks.push(checkId);
      if (status) setStatus(check, status as CheckStatus, check.Output);
      armTtl(check);
    });
    for (const cid of previous?.checks ?? []) {
      if (!svc.checks.includes(cid)) {
        clearTimeout(timers.get(cid));
        checks.delete(cid);
      }
    }
    services.set(id, svc);
    index++;
    events.emit('register', { ...svc, Meta: { ...svc.Meta } });
  };

  const updateCheck = (checkId: string, status: string, output: string) => {
    const check = checks.get(checkId);
    if (!check) throw new HttpError(404, `CheckID "${checkId}" does not have associated TTL`);
    if (!STATUSES.includes(status as CheckStatus))
      throw new HttpError(400, `Invalid check status: "${status}"`);
    setStatus(check, status as CheckStatus, output.slice(0, 4096));
    armTtl(check);
  };

  const health = (name: string, passing: boolean) =>
    [...services.values()]
      .filter((s) => s.Service === name)
      .map((s) => {
        const own = s.checks.map((cid) => {
          expire(cid);
          const c = checks.get(cid)!;
          return {
            Node: NODE.Node,
            CheckID: c.CheckID,
            Name: c.Name,
            Status: c.Status,
            Notes: c.Notes,
            Output: c.Output,
            ServiceID: c.ServiceID,
            ServiceName: c.ServiceName,
            Type: 'ttl',
          };
        });
        const serf = {
          Node: NODE.Node,
          CheckID: 'serfHealth',
          Name: 'Serf Health Status',
          Status: 'passing',
          Notes: '',
          Output: 'Agent alive and reachable',
          ServiceID: '',
          ServiceName: '',
          Type: '',
        };
        return {
          Node: { ...NODE, Datacenter: 'dc1', Meta: {} },
          Service: {
            ID: s.ID,
            Service: s.Service,
            Tags: s.Tags,
            Address: s.Address,
            Port: s.Port,
            Meta: s.Meta,
          },
          Checks: [serf, ...own],
        };
      })
      .filter((e) => !passing || e.Checks.every((c) => c.Status === 'passing'));

  /** Consul's ACL answer for a request: undefined when allowed, 'filter' for an anonymous read. */
  const acl = (req: IncomingMessage, url: URL, write: boolean): 'filter' | undefined => {
    if (!options.aclToken) return undefined;
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = header(req, 'x-consul-token') ?? bearer ?? url.searchParams.get('token') ?? undefined;
    if (token === undefined || token === '') {
      if (write) throw new HttpError(403, 'Permission denied');
      return 'filter';
    }
    if (token !== options.aclToken) throw new HttpError(403, 'ACL not found');
    return undefined;
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) => {
    const path = url.pathname;
    const put = (re: RegExp) => {
      const m = re.exec(path);
      if (m && req.method !== 'PUT') throw new HttpError(405, `method ${req.method} not allowed`);
      return m ? decodeURIComponent(m[1] ?? '') : undefined;
    };
    if (put(/^\/v1\/agent\/service\/(register)$/) !== undefined) {
      acl(req, url, true);
      register(asObject(body));
      return send(res, 200, '');
    }
    const deregisterId = put(/^\/v1\/agent\/service\/deregister\/(.+)$/);
    if (deregisterId !== undefined) {
      acl(req, url, true);
      if (!removeService(deregisterId)) throw new HttpError(404, `Unknown service ID "${deregisterId}"`);
      events.emit('deregister', deregisterId);
      return send(res, 200, '');
    }
    const updateId = put(/^\/v1\/agent\/check\/update\/(.+)$/);
    if (updateId !== undefined) {
      acl(req, url, true);
      const b = asObject(body);
      updateCheck(updateId, str(b.Status), str(b.Output));
      return send(res, 200, '');
    }
    const passId = put(/^\/v1\/agent\/check\/pass\/(.+)$/);
    if (passId !== undefined) {
      acl(req, url, true);
      updateCheck(passId, 'passing', url.searchParams.get('note') ?? '');
      return send(res, 200, '');
    }
    const healthOf = /^\/v1\/health\/service\/(.+)$/.exec(path);
    if (healthOf) {
      if (req.method !== 'GET') throw new HttpError(405, `method ${req.method} not allowed`);
      const filtered = acl(req, url, false) === 'filter';
      const p = url.searchParams.get('passing');
      const entries = filtered ? [] : health(decodeURIComponent(healthOf[1]!), p !== null && p !== 'false');
      res.setHeader('X-Consul-Index', String(index));
      res.setHeader('X-Consul-KnownLeader', 'true');
      res.setHeader('X-Consul-LastContact', '0');
      if (filtered) res.setHeader('X-Consul-Results-Filtered-By-ACLs', 'true');
      return send(res, 200, JSON.stringify(entries), 'application/json');
    }
    throw new HttpError(404, '404 page not found');
  };

  const state = { down: false };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://standin');
      const raw = Buffer.concat(chunks).toString('utf8');
      const respond = async () => {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs).unref());
        if (state.down) throw new HttpError(500, 'No cluster leader');
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          throw new HttpError(400, 'Request decode failed: invalid JSON');
        }
        requests.push({
          method: req.method ?? '',
          path: url.pathname + url.search,
          token: header(req, 'x-consul-token'),
          body,
        });
        await route(req, res, url, body);
      };
      respond().catch((e: unknown) => {
        const status = e instanceof HttpError ? e.status : 500;
        if (!res.headersSent) send(res, status, e instanceof Error ? e.message : String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    events,
    requests,
    services,
    checks,
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    forget: (id) => void removeService(id),
    next<T>(name: string, match: (arg: T) => boolean = () => true, timeoutMs = 5_000): Promise<T> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(timer);
          events.off(name, listener);
          reject(new Error(`consul stand-in: no matching '${name}' event within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.add(timer);
        const listener = (arg: T) => {
          if (!match(arg)) return;
          clearTimeout(timer);
          waiting.delete(timer);
          events.off(name, listener);
          resolve(arg);
        };
        events.on(name, listener);
      });
    },
    close: async () => {
      clearInterval(reaper);
      for (const t of waiting) clearTimeout(t); // a wait still open when the stand-in closes never settles
      for (const t of timers.values()) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function asObject(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new HttpError(400, 'Request decode failed: expected a JSON object');
  }
  return v as Record<string, unknown>;
}

/** Go's time.ParseDuration for the units Consul configs use: "1s", "500ms", "1m30s", "2h". */
export function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0].length;
  }
  return consumed === s.length && s.length > 0 ? total : 0;
}
