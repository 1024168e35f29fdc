/**
 * A request refused: the HTTP status and the message the client sees (with headers such as
 * Retry-After). Thrown by the REST routes (http/) and the SSE routes (realtime/) alike, and turned
 * into the one JSON error shape by http/errors.ts.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
