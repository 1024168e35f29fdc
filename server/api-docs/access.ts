/**
 * Tokens in the documents. Which path needs which token is decided by the HTTP chain
 * (http/auth.ts); its rule is handed in as a function, so the documents say what it does.
 */
export type TokenKind = 'API' | 'monitor';

/** The token a path needs, and whether it may come as `?access_token=` (EventSource cannot send headers). */
export interface PathAccess {
  kind: TokenKind;
  query: boolean;
}

/** For a path as OpenAPI writes it (`/api/chat/{messageId}`): its token, or undefined when open. */
export type AccessRule = (path: string) => PathAccess | undefined;

const BEARER = { API: 'apiToken', monitor: 'monitorToken' } as const;
const QUERY = { API: 'apiTokenQuery', monitor: 'monitorTokenQuery' } as const;

const SETTING = { API: 'API_TOKEN', monitor: 'MONITOR_TOKEN' } as const;

/** An operation's `security`: the bearer header, or (on the SSE routes) the query parameter. */
export function securityOf(access: PathAccess): Array<Record<string, string[]>> {
  const bearer = { [BEARER[access.kind]]: [] };
  return access.query ? [bearer, { [QUERY[access.kind]]: [] }] : [bearer];
}

/** The security schemes the operations use (none when the service has no tokens). */
export function securitySchemes(accesses: ReadonlyArray<PathAccess | undefined>): Record<string, unknown> {
  const schemes: Record<string, unknown> = {};
  for (const access of accesses) {
    if (!access) continue;
    schemes[BEARER[access.kind]] = {
      type: 'http',
      scheme: 'bearer',
      description: `The ${SETTING[access.kind]} the service runs with: \`Authorization: Bearer <token>\`.`,
    };
    if (access.query) {
      schemes[QUERY[access.kind]] = {
        type: 'apiKey',
        in: 'query',
        name: 'access_token',
        description: `The ${SETTING[access.kind]} as \`?access_token=\`, for EventSource, which cannot send headers (Server-Sent Events routes only).`,
      };
    }
  }
  return schemes;
}
