/** Small HTTP helpers over fetch, for REST tests. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageState } from '../../shared/rest.js';

export async function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

export async function getJson(base: string, path: string) {
  const response = await fetch(`${base}${path}`);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
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
