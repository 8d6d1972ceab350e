import Consul from 'consul';

/** A failed call to Consul: its HTTP status (undefined when it never answered) and a short reason. */
export class ConsulError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsulClientOptions {
  /** The agent's HTTP address, e.g. http://consul:8500. */
  url: string;
  /** ACL token, sent as X-Consul-Token; never logged or put in an error. */
  token?: string;
  /** Every call gives up after this long. */
  timeoutMs: number;
}

/** The `consul` package's client for one agent: its base URL, the ACL token and a timeout on every call. */
export function consulClient(options: ConsulClientOptions): Consul {
  // `baseUrl` and `timeout` go to papi, the HTTP client under `consul`, which its typings leave out.
  const settings = {
    baseUrl: `${options.url.replace(/\/+$/, '')}/v1`,
    timeout: options.timeoutMs,
    defaults: options.token ? { token: options.token } : undefined,
  };
  return new Consul(settings as ConstructorParameters<typeof Consul>[0]);
}

/** Runs one call, turning the client's errors into a ConsulError naming what failed and why. */
export async function consulCall<T>(what: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const err = e as {
      isTimeout?: boolean;
      statusCode?: number;
      message?: unknown;
      cause?: { message?: unknown };
    } | null;
    if (err?.isTimeout) throw new ConsulError(undefined, `${what}: no answer within ${timeoutMs} ms`);
    const status = typeof err?.statusCode === 'number' ? err.statusCode : undefined;
    const m = err?.cause?.message ?? err?.message;
    const reason = typeof m === 'string' ? m.trim().slice(0, 200) : String(e);
    throw new ConsulError(status, `${what}: ${status ? `${status} ` : ''}${reason}`);
  }
}
