/** A service whose log lines are kept in memory: for tests of what is logged. */
import { Writable } from 'node:stream';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { type Service, startService } from '../../server/service.js';
import { TEST_ENV } from './service.js';

export interface LoggedService {
  service: Service;
  /** Every line written so far, one JSON object each. */
  lines: string[];
}

/** The production logger (its redaction included), writing to memory instead of stdout. */
export async function startLoggedService(params: {
  databaseUrl: string;
  level: 'trace' | 'debug' | 'info';
  env?: Record<string, string>;
}): Promise<LoggedService> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({ ...TEST_ENV, ...params.env, LOG_LEVEL: params.level });
  const service = await startService({
    config,
    databaseUrl: params.databaseUrl,
    logger: createLogger(params.level, sink),
  });
  return { service, lines };
}

/** The request line with this id, reduced to what every HTTP path must log alike. */
export function requestLineShape(lines: string[], requestId: string) {
  const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === requestId);
  return line && { keys: Object.keys(line).sort(), req: line.req, res: line.res, msg: line.msg };
}
