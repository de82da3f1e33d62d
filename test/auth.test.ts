import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { MeDocument } from './generated/graphql.js';
import { startApp, TEST_JWT_SECRET, type TestApp } from './helpers/app.js';
import { connected, execute, executeError, withDeadline, wsClient, type GraphQLErrorBody } from './helpers/client.js';

const testSecret = new TextEncoder().encode(TEST_JWT_SECRET);
const inAnHour = () => Math.floor(Date.now() / 1000) + 3_600;
const claims = (extra: JWTPayload = {}): JWTPayload => ({ sub: 'ada', role: 'provider', exp: inAnHour(), ...extra });

/** Signs exactly `payload` (no claims added) with HS256. */
const hs256 = (payload: JWTPayload, key: Uint8Array = testSecret) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Posts `me` with a raw Authorization header, for headers the typed helpers never send. */
async function meWithHeader(url: string, authorization: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: print(MeDocument) }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: GraphQLErrorBody[] };
  return { status: response.status, challenge: response.headers.get('www-authenticate'), cacheControl: response.headers.get('cache-control'), body };
}

/** Opens a socket with `token` and resolves with the close code the server chose. */
async function closeCodeFor(wsUrl: string, token: string | undefined): Promise<number> {
  let onClose!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (onClose = resolve));
  const client = wsClient(wsUrl, token, (code) => onClose(code));
  try {
    return await withDeadline(closed, 5_000, 'the server to close the socket');
  } finally {
    await client.dispose();
  }
}

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

let app: TestApp;

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.close());

describe('bearer tokens over HTTP', () => {
  it('accepts a well-formed token signed with the secret', async () => {
    const { me } = await execute(app.url, MeDocument, {}, await hs256(claims({ name: 'Dr Ada' })));
    expect(me).toEqual({ id: 'ada', name: 'Dr Ada', role: 'PROVIDER' });
  });

  it('marks every GraphQL answer, accepted or refused, as not to be stored by any cache', async () => {
    expect((await meWithHeader(app.url, `Bearer ${await hs256(claims())}`)).cacheControl).toBe('no-store');
    expect((await meWithHeader(app.url, 'Bearer not-a-jwt')).cacheControl).toBe('no-store');
  });

  it('refuses `me` without a token as UNAUTHENTICATED', async () => {
    const error = await executeError(app.url, MeDocument, {});
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.each(['Basic x', 'Bearer', 'Bearer ', 'Bearer a b'])('refuses the Authorization header %j as UNAUTHENTICATED, saying the form expected', async (header) => {
    const { status, challenge, body } = await meWithHeader(app.url, header);
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toEqual([{ message: expect.stringContaining('"Bearer <token>"'), extensions: { code: 'UNAUTHENTICATED' } }]);
    expect(status).toBe(401);
    expect(challenge).toBe('Bearer');
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refused: [what: string, token: () => Promise<string>, mentions: RegExp][] = [
    ['an expired token', () => hs256(claims({ exp: now() - 60 })), /expired/],
    ['a token signed with another secret', () => hs256(claims(), new TextEncoder().encode('another-secret-that-is-also-32-bytes-long')), /signature/],
    ['an alg:none token', async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`, /algorithm/],
    ['a token with an unknown role', () => hs256(claims({ role: 'nurse' })), /role/],
    ['a token without a role', () => hs256({ sub: 'ada', exp: inAnHour() }), /role/],
    ['a token without sub', () => hs256({ role: 'provider', exp: inAnHour() }), /"sub"/],
    ['a token whose sub is not a user id', () => hs256(claims({ sub: 'ada lovelace' })), /"sub"/],
    ['a token without exp', () => hs256({ sub: 'ada', role: 'provider' }), /"exp"/],
    ['a token that is not a JWT at all', async () => 'not-a-jwt', /malformed/],
  ];
  it('refuses a token once it has expired, however recently it was accepted', async () => {
    // Verified tokens are remembered; that must never outlive the token itself.
    const token = await hs256(claims({ exp: now() + 2 }));
    expect((await execute(app.url, MeDocument, {}, token)).me.id).toBe('ada');
    expect((await execute(app.url, MeDocument, {}, token)).me.id).toBe('ada');
    await new Promise((resolve) => setTimeout(resolve, (now() + 2) * 1000 - Date.now() + 50));
    const error = await executeError(app.url, MeDocument, {}, token);
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/expired/);
  });

  it.each(refused)('refuses %s as UNAUTHENTICATED, saying what was wrong', async (_what, token, mentions) => {
    const error = await executeError(app.url, MeDocument, {}, await token());
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/^invalid token: /);
    expect(error.message).toMatch(mentions);
    expect(error.status).toBe(401);
  });
});

describe('issuer and audience', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startApp({ JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'calls' });
  });
  afterAll(() => strict?.close());

  it('accepts a token from the configured issuer for the configured audience', async () => {
    const token = await hs256(claims({ iss: 'https://idp.example', aud: 'calls' }));
    expect((await execute(strict.url, MeDocument, {}, token)).me.id).toBe('ada');
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example', aud: 'calls' }, /"iss"/],
    ['no issuer', { aud: 'calls' }, /"iss"/],
    ['another audience', { iss: 'https://idp.example', aud: 'billing' }, /"aud"/],
    ['no audience', { iss: 'https://idp.example' }, /"aud"/],
  ])('refuses a token with %s, naming the claim', async (_what, extra, mentions) => {
    const error = await executeError(strict.url, MeDocument, {}, await hs256(claims(extra)));
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(mentions);
  });
});

describe('RS256 tokens verified against a JWKS endpoint', () => {
  let jwksServer: http.Server;
  let rsa: TestApp;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let jwksRequests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' }] });
    jwksServer = http.createServer((req, res) => {
      if (req.url !== '/jwks.json') return void res.writeHead(404).end();
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    rsa = await startApp({ JWT_SECRET: '', JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });
  });
  afterAll(async () => {
    await rsa?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  const rs256 = (payload: JWTPayload, kid = 'key-1') =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);

  it('accepts a token signed with the key the JWKS publishes', async () => {
    const { me } = await execute(rsa.url, MeDocument, {}, await rs256(claims({ sub: 'rsa-user', role: 'patient' })));
    expect(me).toMatchObject({ id: 'rsa-user', role: 'PATIENT' });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('refuses an HS256 token signed with the old shared secret (no algorithm confusion)', async () => {
    const error = await executeError(rsa.url, MeDocument, {}, await hs256(claims()));
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/algorithm/);
  });

  it('refuses an RS256 token whose key id the JWKS does not publish', async () => {
    const error = await executeError(rsa.url, MeDocument, {}, await rs256(claims(), 'key-2'));
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/key/);
  });

  it('refuses an RS256 token signed with a key the JWKS does not publish', async () => {
    const stranger = await generateKeyPair('RS256');
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'key-1' }).sign(stranger.privateKey);
    const error = await executeError(rsa.url, MeDocument, {}, token);
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/signature/);
  });
});

describe('tokens on graphql-ws', () => {
  it('closes a socket that offers an invalid token with 4403', async () => {
    expect(await closeCodeFor(app.wsUrl, await hs256(claims({ exp: Math.floor(Date.now() / 1000) - 60 })))).toBe(4403);
    expect(await closeCodeFor(app.wsUrl, 'not-a-jwt')).toBe(4403);
  });

  it('closes a socket that offers no token with 4403', async () => {
    expect(await closeCodeFor(app.wsUrl, undefined)).toBe(4403);
  });

  it('closes an authenticated socket with 4403 when its token expires', async () => {
    let onClose!: (code: number) => void;
    const gone = new Promise<number>((resolve) => (onClose = resolve));
    const client = wsClient(app.wsUrl, await hs256(claims({ exp: Math.floor(Date.now() / 1000) + 2 })), (code) => onClose(code));
    try {
      await connected(client);
      expect(await withDeadline(gone, 5_000, 'the socket to close at expiry')).toBe(4403);
    } finally {
      await client.dispose();
    }
  });

  it('acknowledges a socket that offers a valid token', async () => {
    const closes: number[] = [];
    const client = wsClient(app.wsUrl, await hs256(claims()), (code) => closes.push(code));
    try {
      await connected(client);
      expect(closes).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});

describe('configuration', () => {
  it('refuses to start in production without a JWT secret or JWKS URL, a recording master key, or TURN for relay-only patients', () => {
    const error = configErrorOf({ NODE_ENV: 'production' });
    expect(error.problems).toEqual([
      expect.stringMatching(/JWT_SECRET or JWT_JWKS_URL is required in production/),
      expect.stringMatching(/RECORDING_MASTER_KEY is required in production/),
      'FORCE_RELAY=patients needs TURN_URLS and TURN_SECRET in production; set FORCE_RELAY=none to run without TURN',
    ]);
    expect(error.message).toContain('JWT_SECRET');
    // Relay-only for patients is kept, or given up in so many words.
    const ready = { NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, RECORDING_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(loadConfig({ ...ready, FORCE_RELAY: 'none' }).ice.forceRelay).toBe('none');
    expect(loadConfig({ ...ready, TURN_URLS: 'turn:turn.example.org:3478', TURN_SECRET: 'x'.repeat(32) }).ice.forceRelay).toBe('patients');
    expect(configErrorOf({ ...ready, FORCE_RELAY: 'all' }).problems).toEqual([expect.stringMatching(/^FORCE_RELAY=all needs TURN_URLS/)]);
  });

  it('refuses a recording master key that is not 32 bytes of base64, without echoing it', () => {
    const key = Buffer.alloc(16, 7).toString('base64');
    const error = configErrorOf({ RECORDING_MASTER_KEY: key });
    expect(error.problems).toEqual([expect.stringMatching(/RECORDING_MASTER_KEY must be 32 bytes in base64/)]);
    expect(error.message).not.toContain(key);
    expect(configErrorOf({ S3_ENDPOINT: 'http://127.0.0.1:9000' }).problems).toEqual([expect.stringMatching(/need S3_BUCKET/)]);
  });

  it('reports every bad variable at once, each with what was expected and what arrived', () => {
    const error = configErrorOf({
      NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, PORT: 'abc', RING_TIMEOUT_MS: '5', LOG_LEVEL: 'loud',
    });
    expect(error.problems).toHaveLength(3);
    expect(error.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^PORT must be an integer .*got "abc"/),
      expect.stringMatching(/^RING_TIMEOUT_MS must be an integer from 100 .*got "5"/),
      expect.stringMatching(/^LOG_LEVEL must be one of debug, info, warn, error, got "loud"/),
    ]));
  });

  it('refuses a short JWT secret, and a JWT secret together with a JWKS URL', () => {
    expect(configErrorOf({ JWT_SECRET: 'short' }).problems).toEqual([expect.stringMatching(/at least 32 bytes/)]);
    expect(configErrorOf({ JWT_SECRET: TEST_JWT_SECRET, JWT_JWKS_URL: 'https://idp.example/jwks.json' }).problems)
      .toEqual([expect.stringMatching(/either JWT_SECRET .* or JWT_JWKS_URL/)]);
  });

  it('does not echo the JWT secret in its complaints', () => {
    const secret = 'too-short-but-still-secret';
    expect(configErrorOf({ JWT_SECRET: secret, PORT: 'abc' }).message).not.toContain(secret);
  });
});
