import { KeyObject, verify } from 'node:crypto';

export interface VerifiedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/**
 * Verifies a compact JWS the way a push service does: the algorithm must be the expected one (never taken
 * from the token), and ES256 signatures are JOSE's raw r||s (RFC 7518 3.4). Throws with the reason.
 */
export function verifyJwt(token: string, alg: 'ES256' | 'RS256', key: KeyObject): VerifiedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  const [h, c, s] = parts;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== alg) throw new Error(`alg is ${String(header.alg)}, expected ${alg}`);
  const signature = Buffer.from(s, 'base64url');
  const data = Buffer.from(`${h}.${c}`);
  const ok =
    alg === 'ES256'
      ? signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : verify('sha256', data, key, signature);
  if (!ok) throw new Error('bad signature');
  return { header, claims };
}

/** `exp` in the future and at most `maxSeconds` away; `iat`, if present, not in the future. */
export function checkTimes(claims: Record<string, unknown>, maxSeconds: number): void {
  const now = Math.floor(Date.now() / 1000);
  if (claims.exp !== undefined) {
    const exp = Number(claims.exp);
    if (!(exp > now)) throw new Error('token expired');
    if (exp > now + maxSeconds) throw new Error(`exp is more than ${maxSeconds} s away`);
  }
  if (claims.iat !== undefined && Number(claims.iat) > now + 60) throw new Error('iat is in the future');
}

export async function readBody(req: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}
