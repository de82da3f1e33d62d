import path from 'node:path';

/** How tokens are verified: a shared HS256 secret, or a JWKS endpoint for RS256/ES256. */
export type JwtConfig =
  | { kind: 'secret'; secret?: string; issuer?: string; audience?: string }
  | { kind: 'jwks'; jwksUrl: URL; issuer?: string; audience?: string };

/** Everything the service reads from its environment, validated once at start. */
export interface Config {
  /** `development`, `test` or `production`; production refuses to start without real secrets. */
  nodeEnv: 'development' | 'test' | 'production';
  /** TCP port for HTTP and graphql-ws (default 4000; 0 picks a free one). */
  port: number;
  /** Interface to listen on (default 0.0.0.0). */
  host: string;
  /** Where the embedded database and development secrets live (default `.data`). */
  dataDir: string;
  /** PostgreSQL connection string; unset starts an embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  /** Token verification; in development without settings a secret is generated under `dataDir`. */
  jwt: JwtConfig;
  /** How long a call rings before it becomes MISSED (default 60 000 ms). */
  ringTimeoutMs: number;
  /** How often the database-driven timers look for due calls (default 1 000 ms). */
  timerPollIntervalMs: number;
  /** Origins allowed by CORS; empty allows none cross-origin, `*` allows all (not in production). */
  corsOrigins: string[];
  /** Largest HTTP request body accepted (default 1 MiB). */
  maxRequestBytes: number;
  /** Deepest selection set accepted in one operation (default 12). */
  maxQueryDepth: number;
  /** `debug`, `info`, `warn` or `error` (default `info`; `warn` under test). */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the whole environment. This is the only place that reads `process.env`.
 * Every problem is collected, then all are reported at once in a {@link ConfigError}.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development', problems);
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const issuer = env.JWT_ISSUER || undefined;
  const audience = env.JWT_AUDIENCE || undefined;
  let jwt: JwtConfig = { kind: 'secret', issuer, audience };
  if (env.JWT_SECRET && env.JWT_JWKS_URL) {
    problems.push('set either JWT_SECRET (HS256) or JWT_JWKS_URL (RS256/ES256), not both');
  } else if (env.JWT_JWKS_URL) {
    try {
      jwt = { kind: 'jwks', jwksUrl: new URL(env.JWT_JWKS_URL), issuer, audience };
    } catch {
      problems.push('JWT_JWKS_URL must be an absolute URL');
    }
  } else if (env.JWT_SECRET) {
    if (Buffer.byteLength(env.JWT_SECRET) < 32) problems.push('JWT_SECRET must be at least 32 bytes long');
    jwt = { kind: 'secret', secret: env.JWT_SECRET, issuer, audience };
  } else if (nodeEnv === 'production') {
    problems.push('JWT_SECRET or JWT_JWKS_URL is required in production (no development secret is generated there)');
  }

  const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  if (nodeEnv === 'production' && corsOrigins.includes('*')) {
    problems.push('CORS_ORIGINS may not be * in production; list the allowed origins');
  }

  const config: Config = {
    nodeEnv,
    port: int('PORT', 4000, 0, 65_535),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    databaseUrl,
    jwt,
    ringTimeoutMs: int('RING_TIMEOUT_MS', 60_000, 100, 600_000),
    timerPollIntervalMs: int('TIMER_POLL_INTERVAL_MS', 1_000, 10, 60_000),
    corsOrigins,
    maxRequestBytes: int('MAX_REQUEST_BYTES', 1_048_576, 1_024, 16_777_216),
    maxQueryDepth: int('MAX_QUERY_DEPTH', 12, 2, 64),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, nodeEnv === 'test' ? 'warn' : 'info', problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function oneOf<const T extends readonly string[]>(env: Env, name: string, allowed: T, fallback: T[number], problems: string[]): T[number] {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T[number];
  problems.push(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return fallback;
}
