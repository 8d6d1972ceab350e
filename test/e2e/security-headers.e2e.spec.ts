import { RunningApp, startApp } from '../support/app';

/** The policy as a map: directive name to its sources. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('security headers (helmet)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ CSP_CONNECT_SRC: 'https://chat-1.example.com,http://localhost:3002' });
  });
  afterAll(() => app.close());

  it('answers REST calls with the hardening headers and without x-powered-by', async () => {
    const res = await fetch(`${app.url}/api/users/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('x-powered-by')).toBeNull();
    const policy = csp(res);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.has('upgrade-insecure-requests')).toBe(false);
  });

  it('lets the web client connect to its own origin and to the configured chat nodes, ws included', async () => {
    const connect = csp(await fetch(`${app.url}/health/live`)).get('connect-src');
    expect(connect).toEqual([
      "'self'",
      'https://chat-1.example.com',
      'wss://chat-1.example.com',
      'http://localhost:3002',
      'ws://localhost:3002',
    ]);
  });

  it('serves Swagger UI under the policy: every script is a same-origin file that loads', async () => {
    const page = await fetch(`${app.url}/api/docs/`);
    expect(page.status).toBe(200);
    expect(csp(page).get('script-src')).toEqual(["'self'"]);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(body.trim()).toBe(''); // no inline script: script-src 'self' would block it
      const src = /src=["']([^"']+)["']/.exec(attrs)?.[1];
      expect(src).toBeDefined();
      const url = new URL(src!, `${app.url}/api/docs/`);
      expect(url.origin).toBe(new URL(app.url).origin);
      const js = await fetch(url);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
    }
  });

  it('refuses a CSP_CONNECT_SRC entry that is not an origin', async () => {
    await expect(startApp({ CSP_CONNECT_SRC: "https://x.example.com 'unsafe-eval'" })).rejects.toThrow(
      /CSP_CONNECT_SRC/,
    );
  });
});
