/**
 * Configuration: the only module that reads process.env. Every variable is optional and
 * validated here; a bad value stops start-up with one line naming the variable and what is
 * allowed (ConfigError).
 */
import os from 'node:os';
import { z } from 'zod';
import { DEFAULT_MAX_QUESTION_CHARS, MAX_QUESTION_CHARS_LIMIT } from '../shared/limits.js';

export const PROVIDER_NAMES = ['anthropic', 'openai', 'deepseek', 'mock'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const POOL_MODES = ['session', 'transaction'] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment strings: empty counts as unset, so `FOO=` in .env means "use the default". */
type Env = Record<string, string | undefined>;

function integer(min: number, max: number) {
  return z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be a whole number from ${min} to ${max}` })
    .max(max, { error: `must be a whole number from ${min} to ${max}` });
}
function decimal(min: number, max: number) {
  return z.coerce
    .number({ error: `must be a number from ${min} to ${max}` })
    .min(min, { error: `must be a number from ${min} to ${max}` })
    .max(max, { error: `must be a number from ${min} to ${max}` });
}
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}
const url = z.url({ error: 'must be a URL such as http://localhost:11434/v1' });
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, { error: 'must be a URL such as postgres://user@host:5432/db' });

const envSchema = z.object({
  SERVER_PORT: integer(0, 65535).default(8000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  /** `transaction` behind a pooler in transaction mode (PgBouncer, Supavisor): no session state. */
  DATABASE_POOL_MODE: oneOf(POOL_MODES).default('session'),
  /** The one LISTEN connection; must reach PostgreSQL directly (default: DATABASE_URL). */
  LISTEN_DATABASE_URL: postgresUrl.optional(),
  /** Where the embedded PostgreSQL keeps its files when DATABASE_URL is not set. */
  EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_PG_PORT: integer(0, 65535).default(5433),

  LLM_PROVIDER: oneOf(PROVIDER_NAMES).optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_TEMPERATURE: decimal(0, 2).default(0.7),
  LLM_MAX_TOKENS: integer(1, 200_000).default(2000),
  LLM_TIMEOUT_MS: integer(100, 3_600_000).default(60_000),
  LLM_FALLBACK: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(oneOf(PROVIDER_NAMES))),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: url.optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url.optional(),
  DEEPSEEK_API_KEY: z.string().min(1).optional(),
  DEEPSEEK_BASE_URL: url.default('https://api.deepseek.com'),

  MAX_WORKERS: integer(1, 10_000).default(os.availableParallelism()),
  WORKER_IDLE_TIMEOUT: decimal(0, 86_400).default(60),
  RETRY_DELAY: decimal(0, 3600).default(2),
  MAX_RETRIES: integer(0, 100).default(3),
  QUEUE_MAXSIZE: integer(1, 10_000_000).default(1000),
  WORKER_LEASE_SECONDS: decimal(1, 3600).default(30),
  SWEEP_INTERVAL_SECONDS: decimal(0.1, 3600).default(5),
  SHUTDOWN_GRACE_SECONDS: decimal(0, 3600).default(10),

  MOCK_LATENCY_MS: integer(0, 600_000).default(300),
  MOCK_FAILURE_RATE: decimal(0, 1).default(0),
  /** The model's second opinion on questions the rules do not flag; default: on unless the provider is the mock. */
  TRIAGE_MODEL: oneOf(['on', 'off']).optional(),
  TRIAGE_MODEL_TIMEOUT_MS: integer(100, 60_000).default(4000),
  MAX_QUESTION_CHARS: integer(1, MAX_QUESTION_CHARS_LIMIT).default(DEFAULT_MAX_QUESTION_CHARS),
  MAX_CONTEXT_MESSAGES: integer(0, 1000).default(10),
  MAX_CONTEXT_CHARS: integer(0, 1_000_000).default(16_000),
  RETENTION_DAYS: decimal(0, 36_500).default(0),
  LOG_LEVEL: oneOf(LOG_LEVELS).default('info'),

  API_TOKEN: z.string().min(16, { error: 'must be at least 16 characters (use a random secret)' }).optional(),
  MONITOR_TOKEN: z.string().min(16, { error: 'must be at least 16 characters (use a random secret)' }).optional(),
  RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000).default(30),
  /** Requests (ask, subscribe, unsubscribe) one socket may send per second on average; bursts of twice that. */
  SOCKET_EVENTS_PER_SECOND: integer(1, 100_000).default(20),
  /** Requests using the database (ask, subscribe) one socket may have under way; more are refused, not queued. */
  SOCKET_MAX_IN_FLIGHT: integer(1, 10_000).default(8),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (parsed === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses/subnets',
        });
        return z.NEVER;
      }
      return parsed;
    }),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ error: 'must be a comma-separated list of origins such as https://app.example.com' })))
    // Browsers send the bare origin (scheme://host[:port]), so compare against that.
    .transform((origins) => origins.map((origin) => new URL(origin).origin)),
});

type ParsedEnv = z.infer<typeof envSchema>;

/** Every variable the service reads (the documentation tests check .env.example and README). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** TRUST_PROXY as express's "trust proxy" setting takes it; undefined when malformed. */
function parseTrustProxy(value: string): boolean | number | string[] | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const address = /^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i;
  return list.length > 0 && list.every((entry) => address.test(entry)) ? list : undefined;
}

export interface Config {
  port: number;
  host: string;
  /** Undefined: start the embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /** `transaction`: the pool keeps no session state (no named statements, no SET). */
  databasePoolMode: (typeof POOL_MODES)[number];
  /** Where the LISTEN connection goes; undefined: the same database as the pool. */
  listenDatabaseUrl: string | undefined;
  embeddedPostgres: { dir: string; port: number };
  llm: {
    provider: ProviderName;
    model: string | undefined;
    temperature: number;
    maxTokens: number;
    timeoutMs: number;
    fallback: ProviderName[];
    anthropic: { apiKey: string | undefined; baseUrl: string | undefined };
    openai: { apiKey: string | undefined; baseUrl: string | undefined };
    deepseek: { apiKey: string | undefined; baseUrl: string };
    mock: { latencyMs: number; failureRate: number };
  };
  queue: {
    maxWorkers: number;
    maxSize: number;
    retryDelayMs: number;
    maxRetries: number;
    leaseMs: number;
    sweepIntervalMs: number;
    shutdownGraceMs: number;
    /** Idle database connections are closed after this long (WORKER_IDLE_TIMEOUT). */
    idleTimeoutMs: number;
  };
  maxQuestionChars: number;
  /** The triage's second opinion: a short structured call to the model per question the rules pass. */
  triageModel: { enabled: boolean; timeoutMs: number };
  /** Earlier turns a follow-up question carries: at most this many answered questions… */
  maxContextMessages: number;
  /** …and at most this many characters of them (oldest dropped first). */
  maxContextChars: number;
  /** Conversations idle for longer are deleted; 0 keeps everything. */
  retentionDays: number;
  logLevel: (typeof LOG_LEVELS)[number];
  security: {
    /** Required on REST (but /health and static files) and the default socket namespace. */
    apiToken: string | undefined;
    /** Required on /monitor, /api/statistics/stream and /metrics (API_TOKEN there when unset). */
    monitorToken: string | undefined;
    /** Questions per minute per client IP; 0 turns the limit off. */
    rateLimitPerMinute: number;
    /** Per socket: requests a second on average (bursts of twice that), and under way at once. */
    socketLimits: { eventsPerSecond: number; maxInFlight: number };
    trustProxy: boolean | number | string[];
    corsOrigins: string[];
  };
}

/** Which provider to use when LLM_PROVIDER is not set: the first whose key is present, else mock. */
function defaultProvider(env: ParsedEnv): ProviderName {
  if (env.ANTHROPIC_API_KEY) return 'anthropic';
  if (env.OPENAI_API_KEY) return 'openai';
  if (env.DEEPSEEK_API_KEY) return 'deepseek';
  return 'mock';
}

/**
 * A base URL on this machine or a private network (Ollama, vLLM, llama.cpp, LM Studio): such
 * servers usually need no key.
 */
export function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host === '::1' ||
    host === 'host.docker.internal' ||
    host.endsWith('.local') ||
    host.endsWith('.internal') ||
    /^127\./.test(host) ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    !host.includes('.') // a bare container or host name, e.g. http://ollama:11434
  );
}

/** Every provider in use (the primary and its fallbacks) must have the key it needs. */
function requireProviderKeys(llm: Config['llm']): void {
  for (const [index, name] of [llm.provider, ...llm.fallback].entries()) {
    const role = index === 0 ? `LLM_PROVIDER=${name}` : `LLM_FALLBACK includes ${name}, which`;
    if (name === 'anthropic' && !llm.anthropic.apiKey) {
      throw new ConfigError(`${role} needs ANTHROPIC_API_KEY.`);
    }
    if (name === 'deepseek' && !llm.deepseek.apiKey && !isLocalUrl(llm.deepseek.baseUrl)) {
      throw new ConfigError(`${role} needs DEEPSEEK_API_KEY.`);
    }
    if (name === 'openai' && !llm.openai.apiKey && !(llm.openai.baseUrl && isLocalUrl(llm.openai.baseUrl))) {
      throw new ConfigError(
        `${role} needs OPENAI_API_KEY (or OPENAI_BASE_URL pointing at a local OpenAI-compatible server).`,
      );
    }
  }
}

/** LISTEN cannot go through a transaction pooler, and the embedded database has no second URL. */
function requireDirectListenUrl(config: Config): void {
  if (config.listenDatabaseUrl && !config.databaseUrl) {
    throw new ConfigError('LISTEN_DATABASE_URL needs DATABASE_URL (without it the embedded PostgreSQL serves both).');
  }
  if (config.databasePoolMode === 'transaction' && !config.listenDatabaseUrl) {
    throw new ConfigError(
      'DATABASE_POOL_MODE=transaction needs LISTEN_DATABASE_URL: a direct connection to PostgreSQL for LISTEN, ' +
        'which a transaction pooler cannot carry.',
    );
  }
}

export function loadConfig(rawEnv: Env = process.env): Config {
  const env: Env = {};
  for (const [key, value] of Object.entries(rawEnv)) {
    if (value !== undefined && value.trim() !== '') env[key] = value.trim();
  }
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    // Secrets (and URLs that may carry a password) are named, never echoed.
    const shown = /KEY|TOKEN|SECRET|PASSWORD|DATABASE_URL/.test(name) ? '' : `=${JSON.stringify(env[name] ?? '')}`;
    throw new ConfigError(`Invalid ${name}${shown}: ${issue?.message ?? 'invalid value'}`);
  }
  const e = parsed.data;
  const config: Config = {
    port: e.SERVER_PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolMode: e.DATABASE_POOL_MODE,
    listenDatabaseUrl: e.LISTEN_DATABASE_URL,
    embeddedPostgres: { dir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    llm: {
      provider: e.LLM_PROVIDER ?? defaultProvider(e),
      model: e.LLM_MODEL,
      temperature: e.LLM_TEMPERATURE,
      maxTokens: e.LLM_MAX_TOKENS,
      timeoutMs: e.LLM_TIMEOUT_MS,
      fallback: e.LLM_FALLBACK,
      anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
      openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL },
      deepseek: { apiKey: e.DEEPSEEK_API_KEY, baseUrl: e.DEEPSEEK_BASE_URL },
      mock: { latencyMs: e.MOCK_LATENCY_MS, failureRate: e.MOCK_FAILURE_RATE },
    },
    queue: {
      maxWorkers: e.MAX_WORKERS,
      maxSize: e.QUEUE_MAXSIZE,
      retryDelayMs: e.RETRY_DELAY * 1000,
      maxRetries: e.MAX_RETRIES,
      leaseMs: e.WORKER_LEASE_SECONDS * 1000,
      sweepIntervalMs: e.SWEEP_INTERVAL_SECONDS * 1000,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
      idleTimeoutMs: e.WORKER_IDLE_TIMEOUT * 1000,
    },
    maxQuestionChars: e.MAX_QUESTION_CHARS,
    triageModel: {
      enabled: (e.TRIAGE_MODEL ?? ((e.LLM_PROVIDER ?? defaultProvider(e)) === 'mock' ? 'off' : 'on')) === 'on',
      timeoutMs: e.TRIAGE_MODEL_TIMEOUT_MS,
    },
    maxContextMessages: e.MAX_CONTEXT_MESSAGES,
    maxContextChars: e.MAX_CONTEXT_CHARS,
    retentionDays: e.RETENTION_DAYS,
    logLevel: e.LOG_LEVEL,
    security: {
      apiToken: e.API_TOKEN,
      monitorToken: e.MONITOR_TOKEN,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      socketLimits: { eventsPerSecond: e.SOCKET_EVENTS_PER_SECOND, maxInFlight: e.SOCKET_MAX_IN_FLIGHT },
      trustProxy: e.TRUST_PROXY,
      corsOrigins: e.CORS_ORIGINS,
    },
  };
  requireProviderKeys(config.llm);
  requireDirectListenUrl(config);
  return config;
}
