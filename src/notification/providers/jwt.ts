import { KeyObject, sign } from 'node:crypto';

const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A compact JWS (RFC 7515). ES256 signatures are the raw 64-byte r||s that JOSE wants (RFC 7518 3.4),
 * not the DER node:crypto gives by default.
 */
export function signJwt(
  alg: 'ES256' | 'RS256',
  header: Record<string, string>,
  claims: Record<string, string | number>,
  key: KeyObject,
): string {
  const input = `${b64url({ alg, typ: 'JWT', ...header })}.${b64url(claims)}`;
  const signature =
    alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}
