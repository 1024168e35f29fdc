/** The REST API, with the access token when the server asks for one. Its types are the shared schemas'. */
import type {
  AskRequest,
  AskResponse,
  CancelResponse,
  Conversation,
  ErrorBody,
  MessageState,
  Statistics,
} from '../../shared/rest.js';

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
  const body: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const { error } = (body ?? {}) as Partial<ErrorBody>;
    throw new ApiError(response.status, error ?? `The service answered ${response.status}.`);
  }
  return body as T;
}

export const api = {
  ask: (question: string, conversationId: string | undefined, idempotencyKey: string) =>
    call<AskResponse>('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ question, conversationId } satisfies AskRequest),
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  message: (messageId: string) => call<MessageState>(`/api/chat/${messageId}`),
  cancel: (messageId: string) => call<CancelResponse>(`/api/chat/${messageId}/cancel`, { method: 'POST' }),
  conversation: (conversationId: string) => call<Conversation>(`/api/conversations/${conversationId}`),
  statistics: () => call<Statistics>('/api/statistics', {}, tokens.api()),
};
