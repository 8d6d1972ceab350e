/**
 * The CLI's way into a running deployment: the admin REST API with an admin's bearer token. Credentials come
 * from the environment (CHAT_ADMIN_TOKEN, or CHAT_ADMIN_USERNAME and CHAT_ADMIN_PASSWORD to sign in), never
 * from the command line, where other users of the machine could read them in the process list.
 */
export interface AdminRestOptions {
  url: string;
  token?: string;
  username?: string;
  password?: string;
}

/** An answer other than 2xx, with the contract's error envelope when there was one. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export class AdminRest {
  private token: string | undefined;

  constructor(private readonly opts: AdminRestOptions) {
    this.token = opts.token;
  }

  /** A path of the deployment as a full URL. */
  resolve(path: string): string {
    return new URL(path, this.opts.url).toString();
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.bearer();
    return this.send<T>(method, path, body, token);
  }

  private async bearer(): Promise<string> {
    if (this.token) return this.token;
    const { username, password } = this.opts;
    if (!username || !password)
      throw new RestError(
        401,
        'unauthorized',
        'set CHAT_ADMIN_TOKEN, or CHAT_ADMIN_USERNAME and CHAT_ADMIN_PASSWORD, to an admin account',
      );
    const session = await this.send<{ accessToken: string }>('POST', '/api/auth/login', {
      username,
      password,
    });
    this.token = session.accessToken;
    return this.token;
  }

  private async send<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
    const res = await fetch(new URL(path, this.opts.url), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new RestError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText);
    }
    return json as T;
  }
}
