import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../config.js';
import { Role } from '../entities/enums.js';
import { unauthenticated } from '../errors.js';
import { CONTROL_CHARACTERS, USER_ID_PATTERN } from '../services/validation.js';
import type { Viewer } from './viewer.js';

const roles: Record<string, Role> = { patient: Role.PATIENT, provider: Role.PROVIDER, admin: Role.ADMIN, service: Role.SERVICE };

/** Verifies bearer tokens and turns their claims into a {@link Viewer}. */
export interface TokenVerifier {
  /** Resolves the viewer, or throws UNAUTHENTICATED saying what was wrong with the token. */
  verify(token: string): Promise<Viewer>;
}

/**
 * HS256 with a shared secret, or RS256/ES256 against a JWKS endpoint. Only those algorithms are
 * accepted (so `alg: none` and algorithm confusion are refused); `exp` is required; issuer and
 * audience are checked when configured.
 */
export function createTokenVerifier(config: JwtConfig & { secret?: string }): TokenVerifier {
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (config.kind === 'jwks') {
    key = createRemoteJWKSet(config.jwksUrl);
    algorithms = ['RS256', 'ES256'];
  } else {
    if (!config.secret) throw new Error('createTokenVerifier needs a secret');
    key = new TextEncoder().encode(config.secret);
    algorithms = ['HS256'];
  }
  // Verified tokens, by the SHA-256 of their exact text (signature included; the bearer tokens
  // themselves are not kept), so a client's every request does not pay for the signature check
  // again. Kept until the token expires, at most VERIFIED_TTL_MS, at most VERIFIED_MAX of them.
  // (A key dropped from a JWKS is honoured as long as jose's own key cache keeps it, plus this.)
  const verified = new Map<string, { viewer: Viewer; until: number }>();
  const check = async (token: string): Promise<Viewer> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw unauthenticated(`invalid token: ${reason(error)}`);
    }
    return viewerFromClaims(payload);
  };
  return {
    async verify(token) {
      const now = Date.now();
      const digest = createHash('sha256').update(token).digest('base64');
      const hit = verified.get(digest);
      if (hit && now < hit.until) return { ...hit.viewer };
      if (hit) verified.delete(digest);
      const viewer = await check(token);
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
      verified.set(digest, { viewer, until: Math.min(viewer.expiresAt ?? now, now + VERIFIED_TTL_MS) });
      return viewer;
    },
  };
}

/** How long a verified token is taken on trust before its signature is checked again. */
const VERIFIED_TTL_MS = 60_000;
/** How many verified tokens are remembered (the oldest go first). */
const VERIFIED_MAX = 5_000;

function viewerFromClaims(payload: JWTPayload): Viewer {
  const { sub, role, name } = payload as JWTPayload & { role?: unknown; name?: unknown };
  if (typeof sub !== 'string' || !USER_ID_PATTERN.test(sub)) {
    throw unauthenticated('invalid token: claim "sub" must be 1-128 characters of letters, digits and ._:@|-');
  }
  const mapped = typeof role === 'string' ? roles[role] : undefined;
  if (!mapped) throw unauthenticated('invalid token: claim "role" must be one of patient, provider, admin, service');
  if (name !== undefined && (typeof name !== 'string' || name.length > 200 || CONTROL_CHARACTERS.test(name))) {
    throw unauthenticated('invalid token: claim "name" must be a string of at most 200 characters without control characters');
  }
  return {
    id: sub,
    role: mapped,
    name: typeof name === 'string' && name.trim() ? name.trim() : null,
    expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
  };
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim "${error.claim}" is not as expected`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not accepted';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'it is malformed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key matches its key id';
  return 'it could not be verified';
}
