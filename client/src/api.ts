/** The REST API, with the access token when the server asks for one. Its types are the shared schemas'. */
import type {
  AskRequest,
  AskResponse,
  CancelResponse,
  Conversation,
  ConversationExportFormat,
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

/** The response, when it is a success; else an ApiError with the service's own words. */
async function send(path: string, init: RequestInit = {}, token = tokens.api()): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, 'The service cannot be reached. Check your connection.');
  }
  if (!response.ok) {
    const { error } = ((await response.json().catch(() => ({}))) ?? {}) as Partial<ErrorBody>;
    throw new ApiError(response.status, error ?? `The service answered ${response.status}.`);
  }
  return response;
}

async function call<T>(path: string, init: RequestInit = {}, token = tokens.api()): Promise<T> {
  const response = await send(path, init, token);
  return (await response.json().catch(() => ({}))) as T;
}

export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

/** A file the service sends as an attachment, with the name it gives it. */
async function download(path: string, fallbackName: string): Promise<DownloadedFile> {
  const response = await send(path);
  const named = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '');
  return { blob: await response.blob(), fileName: named?.[1] ?? fallbackName };
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
  exportConversation: (conversationId: string, format: ConversationExportFormat) =>
    download(
      `/api/conversations/${conversationId}/export?format=${format}`,
      `medchat-conversation.${format === 'markdown' ? 'md' : 'json'}`,
    ),
  /** 204, no body. */
  deleteConversation: (conversationId: string) =>
    send(`/api/conversations/${conversationId}`, { method: 'DELETE' }).then(() => undefined),
  statistics: () => call<Statistics>('/api/statistics', {}, tokens.api()),
};
