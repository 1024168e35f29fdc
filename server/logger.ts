import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Blanked wherever they appear: credentials, and PostgreSQL's error `detail`, which for a
 * constraint violation repeats the whole row ("Failing row contains (…)"): question and answer.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.apiKey',
  'err.detail',
  'err.cause.detail',
];

/**
 * JSON logs to stdout (or `destination`: tests read them). Never log question or answer text at
 * info level (see ARCHITECTURE.md).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'medchat' }, redact: REDACTED_PATHS };
  return destination ? pino(options, destination) : pino(options);
}
export type { Logger };
