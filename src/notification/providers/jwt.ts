import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * A compact JWS (RFC 7515) for a push provider: APNs' provider token (ES256) and Google's OAuth assertion
 * (RS256), signed by `jsonwebtoken` (ES256 in the raw r||s form JOSE wants). The claims carry their own
 * `iat` (and `exp`), which `jsonwebtoken` keeps.
 */
export function signJwt(
  alg: 'ES256' | 'RS256',
  header: Record<string, string>,
  claims: Record<string, string | number>,
  key: KeyObject,
): string {
  return jwt.sign(claims, key, { algorithm: alg, header: { alg, typ: 'JWT', ...header } });
}
