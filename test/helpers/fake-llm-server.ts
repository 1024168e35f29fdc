/**
 * A local HTTP server that speaks the Anthropic Messages API (POST /v1/messages) and OpenAI
 * Chat Completions (POST /v1/chat/completions) as documented: JSON answers and errors in each
 * provider's shape, and SSE streams with their real event names, usage, in-stream error events
 * and the OpenAI `[DONE]` sentinel. Each request takes the next scripted behaviour (or the
 * default), so a test can say "429, then 500, then success".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | {
      kind: 'answer';
      pieces: string[];
      /** All input tokens, of which `cachedTokens` came from the provider's prompt cache. */
      promptTokens?: number;
      cachedTokens?: number;
      completionTokens?: number;
      model?: string;
      /** Pause before each piece. */
      delayMs?: number;
    }
  | { kind: 'error'; status: number; message?: string; type?: string; headers?: Record<string, string> }
  /** Accepts the request and never answers (not even the headers). */
  | { kind: 'hang' }
  /** Streams these pieces, then goes silent with the connection open. */
  | { kind: 'stall'; pieces: string[] }
  /** Streams these pieces, then drops the connection mid-stream. */
  | { kind: 'cut'; pieces: string[] }
  /** Streams these pieces, then an event that is not valid JSON. */
  | { kind: 'malformed'; pieces?: string[] }
  /** Streams these pieces, then the provider's in-stream error event (e.g. overloaded). */
  | { kind: 'stream-error'; pieces: string[]; type: string; message?: string };

type Streamed = Exclude<Behaviour, { kind: 'error' | 'hang' }>;

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** performance.now() when the request arrived. */
  at: number;
}

export interface FakeLlmServer {
  url: string;
  /** Base URLs as the SDKs want them. */
  anthropicBaseUrl: string;
  openAiBaseUrl: string;
  requests: RecordedRequest[];
  /** Behaviours for the next requests, in order; then `fallback`. */
  script(...behaviours: Behaviour[]): void;
  /** Behaviours scripted but not used yet. */
  pending(): number;
  /** Forgets scripted behaviours and recorded requests, and restores the default answer. */
  reset(): void;
  fallback: Behaviour;
  close(): Promise<void>;
}

export const DEFAULT_BEHAVIOUR: Behaviour = { kind: 'answer', pieces: ['Rest, ', 'fluids ', 'and time.'] };

const sse = (res: http.ServerResponse, event: string | undefined, data: unknown) => {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Error types of the Anthropic API, by status (docs: "Errors"). */
const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

function anthropicError(status: number, message: string, type?: string) {
  return {
    type: 'error',
    error: { type: type ?? ANTHROPIC_ERROR_TYPES[status] ?? 'api_error', message },
    request_id: 'req_fake',
  };
}

function openAiError(status: number, message: string, type?: string) {
  return {
    error: {
      message,
      type: type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: null,
      code: null,
    },
  };
}

/** What the real APIs refuse with 400 (or 401) before answering: a request the SDK got wrong. */
function requestProblem(anthropic: boolean, req: http.IncomingMessage, body: Record<string, unknown>) {
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return { status: 400, message: 'messages: Field required' };
  if (typeof body.model !== 'string' || !body.model) return { status: 400, message: 'model: Field required' };
  if (!anthropic) return undefined;
  if (!req.headers['x-api-key'] && !req.headers.authorization)
    return { status: 401, message: 'x-api-key header is required' };
  if (!req.headers['anthropic-version']) return { status: 400, message: 'anthropic-version: header is required' };
  if (typeof body.max_tokens !== 'number') return { status: 400, message: 'max_tokens: Field required' };
  return undefined;
}

async function streamAnthropic(res: http.ServerResponse, b: Streamed, model: string) {
  const answer = b.kind === 'answer' ? b : undefined;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: answer?.model || model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Anthropic counts cached input apart from input_tokens.
      usage: {
        input_tokens: (answer?.promptTokens ?? 25) - (answer?.cachedTokens ?? 0),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: answer?.cachedTokens ?? 0,
        output_tokens: 1,
      },
    },
  });
  sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  sse(res, 'ping', { type: 'ping' });
  for (const piece of b.pieces ?? []) {
    if (answer?.delayMs) await pause(answer.delayMs);
    sse(res, 'content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: piece },
    });
  }
  if (finishedBadly(res, b, true)) return;
  sse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: answer?.completionTokens ?? 15 },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

async function streamOpenAi(res: http.ServerResponse, b: Streamed, model: string, includeUsage: boolean) {
  const answer = b.kind === 'answer' ? b : undefined;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (choices: unknown[], usage: unknown = null) => ({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: answer?.model || model,
    system_fingerprint: 'fp_fake',
    choices,
    // With include_usage every chunk carries `usage: null`, and one last chunk the totals.
    ...(includeUsage ? { usage } : {}),
  });
  sse(
    res,
    undefined,
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
  );
  for (const piece of b.pieces ?? []) {
    if (answer?.delayMs) await pause(answer.delayMs);
    sse(res, undefined, chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
  }
  if (finishedBadly(res, b, false)) return;
  sse(res, undefined, chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]));
  if (includeUsage) {
    const prompt = answer?.promptTokens ?? 9;
    const completion = answer?.completionTokens ?? 12;
    // OpenAI counts cached input inside prompt_tokens.
    sse(
      res,
      undefined,
      chunk([], {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: answer?.cachedTokens ?? 0 },
      }),
    );
  }
  sse(res, undefined, '[DONE]');
  res.end();
}

/** The endings other than a proper one; true when the stream was ended (or left) that way. */
function finishedBadly(res: http.ServerResponse, b: Streamed, anthropic: boolean): boolean {
  switch (b.kind) {
    case 'answer':
      return false;
    case 'stall':
      return true; // the connection stays open and nothing more comes
    case 'cut':
      // Let what was written reach the client, then drop the connection without ending the stream.
      setTimeout(() => res.socket?.destroy(), 30);
      return true;
    case 'malformed':
      if (anthropic) sse(res, 'content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"te');
      else sse(res, undefined, '{"id":"chatcmpl-fake","choices":[{"index":0,"delta":{"content":"Hel');
      res.end();
      return true;
    case 'stream-error': {
      const message = b.message ?? b.type;
      // Anthropic: an `error` event; OpenAI: a data line holding an `error` object.
      if (anthropic) sse(res, 'error', { type: 'error', error: { type: b.type, message } });
      else sse(res, undefined, { error: { message, type: b.type, param: null, code: null } });
      res.end();
      return true;
    }
  }
}

/** A non-streamed answer, as the APIs send it when `stream` is not true. */
function answerJson(anthropic: boolean, b: Extract<Behaviour, { kind: 'answer' }>, model: string) {
  const text = b.pieces.join('');
  if (anthropic) {
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: b.model || model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: b.promptTokens ?? 25, output_tokens: b.completionTokens ?? 15 },
    };
  }
  const prompt = b.promptTokens ?? 9;
  const completion = b.completionTokens ?? 12;
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: b.model || model,
    choices: [
      { index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const queue: Behaviour[] = [];
  const requests: RecordedRequest[] = [];
  const open = new Set<http.ServerResponse>();
  const fake = { fallback: DEFAULT_BEHAVIOUR };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on('end', () => {
      const at = performance.now();
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const path = req.url ?? '';
      requests.push({ path, headers: req.headers, body, at });
      open.add(res);
      res.on('close', () => open.delete(res));
      const anthropic = path.endsWith('/messages');
      const model = String(body.model ?? 'unknown');
      const problem = requestProblem(anthropic, req, body);
      const behaviour: Behaviour = problem ? { kind: 'error', ...problem } : (queue.shift() ?? fake.fallback);
      switch (behaviour.kind) {
        case 'error': {
          const message = behaviour.message ?? `fake error ${behaviour.status}`;
          res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
          res.end(
            JSON.stringify(
              anthropic
                ? anthropicError(behaviour.status, message, behaviour.type)
                : openAiError(behaviour.status, message, behaviour.type),
            ),
          );
          return;
        }
        case 'hang':
          return;
        default: {
          if (body.stream !== true && behaviour.kind === 'answer') {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(answerJson(anthropic, behaviour, model)));
            return;
          }
          const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
          void (anthropic ? streamAnthropic(res, behaviour, model) : streamOpenAi(res, behaviour, model, includeUsage));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    anthropicBaseUrl: url,
    openAiBaseUrl: `${url}/v1`,
    requests,
    script: (...behaviours) => queue.push(...behaviours),
    pending: () => queue.length,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fake.fallback = DEFAULT_BEHAVIOUR;
    },
    get fallback() {
      return fake.fallback;
    },
    set fallback(b: Behaviour) {
      fake.fallback = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
