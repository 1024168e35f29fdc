/** The REST API, with the access token when the server asks for one. */
import type { Conversation, MessageState, Statistics } from '../../shared/rest.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'medchat.token';
const MONITOR_TOKEN_KEY = 'medchat.monitorToken';

export const tokens = {
  api: () => localStorage.getItem(TOKEN_KEY) ?? undefined,
  monitor: () => localStorage.getItem(MONITOR_TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY) ?? undefined,
  setApi: (token: string) => localStorage.setItem(TOKEN_KEY, token),
  setMonitor: (token: string) => localStorage.setItem(MONITOR_TOKEN_KEY, token),
};

async function call<T>(path: string, init: RequestInit = {}, token = tokens.api()): Promise<T> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, 'The service cannot be reached. Check your connection.');
  }
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ApiError(response.status, body.error ?? `The service answered ${response.status}.`);
  return body;
}

export interface AskAnswer {
  messageId: string;
  conversationId: string;
  urgent?: true;
  urgentAdvice?: string;
}

export const api = {
  ask: (question: string, conversationId: string | undefined, idempotencyKey: string) =>
    call<AskAnswer>('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ question, conversationId }),
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  message: (messageId: string) => call<MessageState>(`/api/chat/${messageId}`),
  cancel: (messageId: string) => call<unknown>(`/api/chat/${messageId}/cancel`, { method: 'POST' }),
  conversation: (conversationId: string) => call<Conversation>(`/api/conversations/${conversationId}`),
  statistics: () => call<Statistics>('/api/statistics', {}, tokens.api()),
};
