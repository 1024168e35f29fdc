/** Small HTTP helpers over fetch, for REST tests. Every JSON body is parsed with its shared schema. */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import {
  askResponseSchema,
  cancelResponseSchema,
  conversationExportSchema,
  conversationSchema,
  errorBodySchema,
  healthSchema,
  type MessageState,
  messageStateSchema,
  statisticsSchema,
} from '../../shared/rest.js';
import { checkAgainstOpenApi } from './openapi-conformance.js';

/**
 * What answers each route, by status; any other status of 400 and up is the one error shape.
 * Paths match as express routes do: any case, with or without a trailing slash.
 */
const ROUTES: Array<{ method: string; path: RegExp; answers: Record<number, z.ZodType> }> = [
  { method: 'POST', path: /^\/api\/chat\/?$/i, answers: { 202: askResponseSchema } },
  { method: 'GET', path: /^\/api\/chat\/[^/]+\/?$/i, answers: { 200: messageStateSchema } },
  { method: 'POST', path: /^\/api\/chat\/[^/]+\/cancel\/?$/i, answers: { 200: cancelResponseSchema } },
  { method: 'GET', path: /^\/api\/conversations\/[^/]+\/?$/i, answers: { 200: conversationSchema } },
  { method: 'GET', path: /^\/api\/conversations\/[^/]+\/export\/?$/i, answers: { 200: conversationExportSchema } },
  { method: 'GET', path: /^\/api\/statistics\/?$/i, answers: { 200: statisticsSchema } },
  { method: 'GET', path: /^\/health\/?$/i, answers: { 200: healthSchema, 503: healthSchema } },
];

/**
 * The body, once parsed with the schema of its route and status: a body that drifts from the
 * contract (a field missing, unknown or misspelled, a wrong type) throws, failing the test. The
 * answer is checked against the OpenAPI document too (status, body, and headers when given).
 */
export function checkedBody(
  method: string,
  url: string,
  status: number,
  body: unknown,
  headers?: Headers,
): Record<string, unknown> {
  const path = new URL(url, 'http://localhost').pathname;
  const route = ROUTES.find((r) => r.method === method.toUpperCase() && r.path.test(path));
  const schema = route?.answers[status] ?? (status >= 400 ? errorBodySchema : undefined);
  if (!schema) throw new Error(`${method} ${path} answered ${status}, which no schema covers (test/helpers/http.ts)`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const shown = JSON.stringify(body)?.slice(0, 500);
    throw new Error(`${method} ${path} ${status} breaks the contract: ${z.prettifyError(parsed.error)}\n${shown}`);
  }
  checkAgainstOpenApi(method, url, status, body, headers);
  return body as Record<string, unknown>;
}

/** The JSON body of a response to a request made with `method`, checked. */
export async function jsonOf(response: Response, method = 'GET'): Promise<Record<string, unknown>> {
  return checkedBody(method, response.url, response.status, await response.json(), response.headers);
}

/** fetch, with the body read as JSON and checked. */
export async function request(base: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, headers: response.headers, body: await jsonOf(response, init.method) };
}

export async function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return request(base, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function getJson(base: string, path: string) {
  return request(base, path);
}

export async function ask(base: string, question: string): Promise<string> {
  const { status, body } = await postJson(base, '/api/chat', { question });
  if (status !== 202) throw new Error(`POST /api/chat answered ${status}: ${JSON.stringify(body)}`);
  return body.messageId as string;
}

/** Polls GET /api/chat/:id until the message is completed or failed. */
export async function waitForFinal(base: string, messageId: string, timeoutMs = 20_000): Promise<MessageState> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await getJson(base, `/api/chat/${messageId}`);
    if (body.status === 'completed' || body.status === 'failed') return body as MessageState;
    await sleep(20);
  }
  throw new Error(`message ${messageId} did not finish within ${timeoutMs} ms`);
}

/** Waits until `check` returns a truthy value. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(25);
  }
  throw new Error(`${what} did not hold within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
