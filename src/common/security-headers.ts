import helmet from 'helmet';
import type { AppConfig } from '../config/app-config';

type Directives = Record<string, string[] | null>;

/**
 * `connect-src` for the web client at `/`: its own origin (REST, and Socket.IO when the chat role runs here),
 * plus the chat nodes discovery may hand out (CSP_CONNECT_SRC). Each http(s) origin also gets its ws(s) twin:
 * CSP 3 lets `https:` match `wss:`, older browsers do not.
 */
export function connectSources(config: Pick<AppConfig, 'cspConnectSrc'>): string[] {
  const twins = config.cspConnectSrc.flatMap((o) => [o, o.replace(/^http(s?):/, 'ws$1:')]);
  return ["'self'", ...new Set(twins)];
}

/**
 * The page-level policy for everything this process serves: the web client (a Vite bundle of files, no
 * inline script), Swagger UI at /api/docs (its scripts are files; its template has inline styles, hence
 * `'unsafe-inline'` for styles only, as helmet's default has) and the admin dashboards. No
 * `upgrade-insecure-requests`: a plain-HTTP deployment (a lab, compose on a LAN address) would break; HTTPS is
 * the proxy's to enforce, and HSTS tells browsers once they have used it.
 */
export function contentSecurityDirectives(config: Pick<AppConfig, 'cspConnectSrc'>): Directives {
  return {
    'default-src': ["'self'"],
    'connect-src': connectSources(config),
    'img-src': ["'self'", 'data:'],
    'style-src': ["'self'", "'unsafe-inline'"],
    'font-src': ["'self'", 'data:'],
    'script-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'upgrade-insecure-requests': null,
  };
}

/** helmet with our policy: Express middleware for every route of the process. */
export function securityHeaders(config: Pick<AppConfig, 'cspConnectSrc'>) {
  return helmet({
    contentSecurityPolicy: { useDefaults: true, directives: contentSecurityDirectives(config) },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
