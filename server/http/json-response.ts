/**
 * JSON answers, written directly: express's res.json goes through its generic send (content-type
 * parsing, ETag, freshness) for every answer, and the API needs none of it.
 */
import type { ServerResponse } from 'node:http';

/** The JSON text of `body` with `status` (and `headers`, e.g. Retry-After). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** For a body already serialised (the finished-message cache keeps the text). */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  text: string,
  headers?: Record<string, string>,
): void {
  res.statusCode = status;
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
