import { type Logger, pino } from 'pino';

/** JSON logs to stdout. Never log question or answer text at info level (see ARCHITECTURE.md). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'medchat' }, redact: ['req.headers.authorization', '*.apiKey'] });
}
export type { Logger };
