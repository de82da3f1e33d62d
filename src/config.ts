import path from 'node:path';
import type { QualityThresholds } from './services/quality-score.js';

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
  /** How long a socket may stay open without `connection_init` before it is closed with 4408 (default 10 000 ms). */
  wsInitTimeoutMs: number;
  /** How often every socket is pinged; one silent until its next ping is terminated (default 12 s, graphql-ws's own). */
  wsKeepAliveMs: number;
  /** Redis for pub/sub and signal inboxes across instances; unset: in-process (one instance). */
  redisUrl?: string;
  /** Put in front of every Redis key and channel, so deployments sharing a Redis stay apart (default `vw:`). */
  redisKeyPrefix: string;
  /** How long a dropped participant may come back, and how long signals are kept (default 30 000 ms). */
  reconnectWindowMs: number;
  /** How long a closed signals subscription may be replaced before its owner is DISCONNECTED (default 2 000 ms). */
  presenceGraceMs: number;
  /** How long presence held by an instance lasts unless renewed (default 15 000 ms; renewed every third of it). */
  presenceLeaseMs: number;
  /** Signals one sender may send per second on average (default 50). */
  signalRatePerSecond: number;
  /** Signals one sender may send in a burst (default 200). */
  signalBurst: number;
  /** ICE servers handed to participants. */
  ice: {
    stunUrls: string[];
    turnUrls: string[];
    /** coturn `static-auth-secret`; never returned or logged. */
    turnSecret?: string;
    /** Lifetime of TURN credentials (default 3 600 s, at most 86 400 s). */
    turnCredentialTtlSeconds: number;
    /** Who must use TURN only: `patients` (default), `all` or `none`. Only applies when TURN is configured. */
    forceRelay: 'patients' | 'all' | 'none';
  };
  /** Recording storage, encryption and retention. */
  recording: RecordingConfig;
  /** Call quality reports and warnings. */
  quality: QualityConfig;
  /** `STATS_ROLLUP_AFTER_DAYS`: callStats over a longer range (or all time) reads the rollups (default 31). */
  statsRollupAfterDays: number;
  /** `HEAP_GROWING_PERCENT`: see src/heap.ts (default 200; 0 leaves it to V8). */
  heapGrowingPercent: number;
}

/** Quality reports: how often, how long samples are kept, and the warning thresholds. */
export interface QualityConfig {
  /** `QUALITY_REPORT_MIN_INTERVAL_MS`: a participant's reports closer than this are RATE_LIMITED (default 2 000 ms). */
  reportMinIntervalMs: number;
  /** `QUALITY_STALE_AFTER_MS`: a joined participant silent this long gets QUALITY_STATS_REQUESTED, looked for every third of it, at least every second (default 15 000 ms). */
  staleAfterMs: number;
  /** `QUALITY_SAMPLE_RETENTION_HOURS`: raw samples older than this are deleted; summaries stay (default 168 h). */
  sampleRetentionHours: number;
  /** `QUALITY_LOSS_WARN` (0.05), `QUALITY_RTT_WARN_MS` (400), `QUALITY_JITTER_WARN_MS` (50), `QUALITY_MIN_VIDEO_KBPS` (300), `QUALITY_BAD_REPORTS` (2), `QUALITY_GOOD_REPORTS` (3). */
  thresholds: QualityThresholds;
}

/** Where recordings are stored, how they are encrypted and how long they are kept. */
export interface RecordingConfig {
  /**
   * `RECORDING_MASTER_KEY`: 32 bytes (base64) that wrap every recording's data key; never logged.
   * Unset outside production: generated under `dataDir/secrets`. Required in production.
   */
  masterKey?: Buffer;
  /**
   * `RECORDING_PREVIOUS_MASTER_KEYS`: earlier master keys (comma-separated base64), still accepted
   * to unwrap data keys until `npm run recordings:rewrap` has moved every one to the current key.
   */
  previousMasterKeys: Buffer[];
  /** The local disk under `dataDir/recordings` (default), or S3 when `S3_BUCKET` is set. */
  storage: { kind: 'disk'; rootDir: string } | { kind: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle: boolean };
  /** `RECORDING_RETENTION_DAYS`: how long a stopped recording is kept before it is purged (default 2 555 days, 7 years). */
  retentionDays: number;
  /** `RECORDING_MAX_CHUNK_BYTES`: largest chunk accepted (default 8 MiB). */
  maxChunkBytes: number;
  /** `RECORDING_MAX_CHUNKS`: chunk indexes run from 0 to this minus one (default 100 000). */
  maxChunks: number;
  /** `RECORDING_LINK_TTL_SECONDS`: lifetime of a signed download link (default 300 s, at most 3 600). */
  linkTtlSeconds: number;
  /** `TRANSCRIPT_MAX_BYTES`: largest transcript accepted, in UTF-8 bytes (default 512 KiB). */
  transcriptMaxBytes: number;
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

  const fraction = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || value >= 1) {
      problems.push(`${name} must be a fraction between 0 and 1 (exclusive), got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must start with redis:// or rediss://');
  const redisKeyPrefix = env.REDIS_KEY_PREFIX || 'vw:';
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(redisKeyPrefix)) {
    problems.push(`REDIS_KEY_PREFIX must be 1-64 of letters, digits and :._-, got ${JSON.stringify(redisKeyPrefix)}`);
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

  const dataDir = path.resolve(env.DATA_DIR || '.data');
  const config: Config = {
    nodeEnv,
    port: int('PORT', 4000, 0, 65_535),
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl,
    jwt,
    ringTimeoutMs: int('RING_TIMEOUT_MS', 60_000, 100, 600_000),
    timerPollIntervalMs: int('TIMER_POLL_INTERVAL_MS', 1_000, 10, 60_000),
    corsOrigins,
    maxRequestBytes: int('MAX_REQUEST_BYTES', 1_048_576, 1_024, 16_777_216),
    maxQueryDepth: int('MAX_QUERY_DEPTH', 12, 2, 64),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, nodeEnv === 'test' ? 'warn' : 'info', problems),
    redisUrl,
    redisKeyPrefix,
    wsInitTimeoutMs: int('WS_INIT_TIMEOUT_MS', 10_000, 100, 120_000),
    wsKeepAliveMs: int('WS_KEEPALIVE_MS', 12_000, 480, 600_000),
    reconnectWindowMs: int('RECONNECT_WINDOW_MS', 30_000, 1_000, 600_000),
    presenceGraceMs: int('PRESENCE_GRACE_MS', 2_000, 0, 60_000),
    presenceLeaseMs: int('PRESENCE_LEASE_MS', 15_000, 1_000, 600_000),
    signalRatePerSecond: int('SIGNAL_RATE_PER_SECOND', 50, 1, 10_000),
    signalBurst: int('SIGNAL_BURST', 200, 1, 100_000),
    ice: {
      stunUrls: list(env.STUN_URLS, /^stuns?:/, 'STUN_URLS', problems),
      turnUrls: list(env.TURN_URLS, /^turns?:/, 'TURN_URLS', problems),
      turnSecret: env.TURN_SECRET || undefined,
      turnCredentialTtlSeconds: int('TURN_CREDENTIAL_TTL_SECONDS', 3_600, 60, 86_400),
      forceRelay: oneOf(env, 'FORCE_RELAY', ['patients', 'all', 'none'] as const, 'patients', problems),
    },
    recording: {
      masterKey: masterKey(env.RECORDING_MASTER_KEY, nodeEnv, problems),
      previousMasterKeys: (env.RECORDING_PREVIOUS_MASTER_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean)
        .map((k, i) => masterKey(k, 'previous', problems, `RECORDING_PREVIOUS_MASTER_KEYS[${i}]`)!).filter(Boolean),
      storage: env.S3_BUCKET
        ? {
            kind: 's3',
            bucket: env.S3_BUCKET,
            region: env.S3_REGION || env.AWS_REGION || 'us-east-1',
            endpoint: env.S3_ENDPOINT || undefined,
            forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', false, problems),
          }
        : { kind: 'disk', rootDir: path.join(dataDir, 'recordings') },
      retentionDays: int('RECORDING_RETENTION_DAYS', 2_555, 1, 36_500),
      maxChunkBytes: int('RECORDING_MAX_CHUNK_BYTES', 8 * 1_048_576, 1_024, 64 * 1_048_576),
      maxChunks: int('RECORDING_MAX_CHUNKS', 100_000, 1, 10_000_000),
      linkTtlSeconds: int('RECORDING_LINK_TTL_SECONDS', 300, 10, 3_600),
      transcriptMaxBytes: int('TRANSCRIPT_MAX_BYTES', 512 * 1_024, 1_024, 16 * 1_048_576),
    },
    quality: {
      reportMinIntervalMs: int('QUALITY_REPORT_MIN_INTERVAL_MS', 2_000, 0, 60_000),
      staleAfterMs: int('QUALITY_STALE_AFTER_MS', 15_000, 1_000, 600_000),
      sampleRetentionHours: int('QUALITY_SAMPLE_RETENTION_HOURS', 168, 1, 24 * 366),
      thresholds: {
        lossWarn: fraction('QUALITY_LOSS_WARN', 0.05),
        rttWarnMs: int('QUALITY_RTT_WARN_MS', 400, 1, 10_000),
        jitterWarnMs: int('QUALITY_JITTER_WARN_MS', 50, 1, 10_000),
        minVideoKbps: int('QUALITY_MIN_VIDEO_KBPS', 300, 1, 100_000),
        badReports: int('QUALITY_BAD_REPORTS', 2, 1, 100),
        goodReports: int('QUALITY_GOOD_REPORTS', 3, 1, 100),
      },
    },
    statsRollupAfterDays: int('STATS_ROLLUP_AFTER_DAYS', 31, 1, 3_660),
    heapGrowingPercent: int('HEAP_GROWING_PERCENT', 200, 0, 900),
  };
  // Unset, it follows a smaller MAX_REQUEST_BYTES; set, it must fit in one.
  if (!env.TRANSCRIPT_MAX_BYTES) config.recording.transcriptMaxBytes = Math.min(config.recording.transcriptMaxBytes, config.maxRequestBytes);
  if (config.recording.transcriptMaxBytes > config.maxRequestBytes) {
    problems.push(`TRANSCRIPT_MAX_BYTES (${config.recording.transcriptMaxBytes}) cannot exceed MAX_REQUEST_BYTES (${config.maxRequestBytes}): transcripts arrive in a GraphQL request`);
  }
  if (env.S3_ENDPOINT && !/^https?:\/\//.test(env.S3_ENDPOINT)) problems.push('S3_ENDPOINT must be an http:// or https:// URL');
  if (!env.S3_BUCKET && (env.S3_ENDPOINT || env.S3_FORCE_PATH_STYLE)) problems.push('S3_ENDPOINT and S3_FORCE_PATH_STYLE need S3_BUCKET');
  if (config.ice.turnUrls.length > 0 && !config.ice.turnSecret) problems.push('TURN_URLS needs TURN_SECRET (coturn static-auth-secret)');
  if (config.ice.turnSecret && config.ice.turnUrls.length === 0) problems.push('TURN_SECRET is set but TURN_URLS is empty');
  if (nodeEnv === 'production' && config.ice.forceRelay !== 'none' && config.ice.turnUrls.length === 0) {
    // Relay-only needs a relay: without TURN, patients' own network addresses would reach the other side.
    problems.push(`FORCE_RELAY=${config.ice.forceRelay} needs TURN_URLS and TURN_SECRET in production; set FORCE_RELAY=none to run without TURN`);
  }
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

function bool(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  problems.push(`${name} must be true or false, got ${JSON.stringify(raw)}`);
  return fallback;
}

/** A recording master key: 32 bytes in base64 or base64url. The value itself never reaches a message. */
function masterKey(raw: string | undefined, nodeEnv: string, problems: string[], name = 'RECORDING_MASTER_KEY'): Buffer | undefined {
  if (!raw) {
    if (nodeEnv === 'production') problems.push('RECORDING_MASTER_KEY is required in production (32 random bytes, base64)');
    return undefined;
  }
  const key = Buffer.from(raw.trim(), 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw.trim())) {
    problems.push(`${name} must be 32 bytes in base64 (44 characters), got ${raw.trim().length} characters`);
    return undefined;
  }
  return key;
}

function list(raw: string | undefined, pattern: RegExp, name: string, problems: string[]): string[] {
  const items = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((item) => !pattern.test(item));
  if (bad.length) problems.push(`${name} must be a comma-separated list of URLs matching ${pattern}, got ${bad.length} that do not`);
  return items;
}
