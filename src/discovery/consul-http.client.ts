/** A failed call to Consul: its HTTP status (undefined when it never answered) and a short reason. */
export class ConsulError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsulHttpOptions {
  /** The agent's HTTP address, e.g. http://consul:8500. */
  url: string;
  /** ACL token, sent as X-Consul-Token; never logged or put in an error. */
  token?: string;
  timeoutMs: number;
}

/** Consul's HTTP API over Node's fetch: the ACL header, a timeout on every call, errors carrying the status. */
export class ConsulHttpClient {
  private readonly base: string;

  constructor(private readonly options: ConsulHttpOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  async put(path: string, body?: unknown): Promise<void> {
    await this.request('PUT', path, body);
  }

  async get<T>(path: string): Promise<T> {
    const text = await this.request('GET', path);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ConsulError(200, `GET ${path}: Consul answered malformed JSON`);
    }
  }

  private async request(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<string> {
    const headers: Record<string, string> = {};
    if (this.options.token) headers['X-Consul-Token'] = this.options.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      throw new ConsulError(undefined, `${method} ${path}: ${this.reason(e)}`);
    }
    if (!res.ok) {
      throw new ConsulError(res.status, `${method} ${path}: ${res.status} ${text.trim().slice(0, 200)}`);
    }
    return text;
  }

  private reason(e: unknown): string {
    // Duck-typed: fetch's errors may come from another realm (DOMException), where instanceof fails.
    const err = e as { name?: unknown; message?: unknown; cause?: { message?: unknown } } | null;
    if (err?.name === 'TimeoutError') return `no answer within ${this.options.timeoutMs} ms`;
    // fetch wraps socket errors (ECONNREFUSED and the like) in a generic "fetch failed".
    const m = err?.cause?.message ?? err?.message;
    return typeof m === 'string' ? m : String(e);
  }
}
