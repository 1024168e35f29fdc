/**
 * A local HTTP server that speaks the Anthropic Messages API (POST /v1/messages) and OpenAI
 * Chat Completions (POST /v1/chat/completions) as documented: JSON answers and errors in each
 * provider's shape, and SSE streams with their real event names, usage, in-stream error events
 * and the OpenAI `[DONE]` sentinel. Each request takes the next scripted behaviour (or the
 * default), so a test can say "429, then 500, then success".
 *
 * Structured calls (the triage's second opinion: an Anthropic forced tool call, an OpenAI
 * `response_format`) have their own script, default and record, so that scripts written for
 * answers are not used up by them: the model's filled-in shape comes back as a `tool_use` block
 * or as the message's JSON content.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

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
      /** The stream starts, then waits for this before its first piece (a test's turn to act). */
      gate?: Promise<unknown>;
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

/** What a structured call gets: the model's filled-in shape (a string is sent as the raw text), an error, or nothing. */
export type StructuredBehaviour =
  | { kind: 'structured'; value: unknown; gate?: Promise<unknown> }
  | Extract<Behaviour, { kind: 'error' }>
  | Extract<Behaviour, { kind: 'hang' }>;

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
  /** Answer requests (structured calls are in `structuredRequests`). */
  requests: RecordedRequest[];
  structuredRequests: RecordedRequest[];
  /** Behaviours for the next requests, in order; then `fallback`. */
  script(...behaviours: Behaviour[]): void;
  /** The same for structured calls; then `structuredFallback`. */
  scriptStructured(...behaviours: StructuredBehaviour[]): void;
  /** Behaviours scripted (of both kinds) but not used yet. */
  pending(): number;
  /** Forgets scripted behaviours and recorded requests, and restores the default answers. */
  reset(): void;
  fallback: Behaviour;
  /** Default: "no emergency" (the triage's verdict shape). */
  structuredFallback: StructuredBehaviour;
  close(): Promise<void>;
}

export const DEFAULT_BEHAVIOUR: Behaviour = { kind: 'answer', pieces: ['Rest, ', 'fluids ', 'and time.'] };
export const DEFAULT_STRUCTURED: StructuredBehaviour = {
  kind: 'structured',
  value: { emergency_now: false, category: null },
};

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
  await answer?.gate;
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
  await answer?.gate;
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

/** A structured call, as each API asks for one: a forced tool (Anthropic), a response format (OpenAI). */
function isStructured(body: Record<string, unknown>): boolean {
  return body.tool_choice !== undefined || body.response_format !== undefined;
}

/** What the real APIs refuse in a structured call. */
function structuredProblem(anthropic: boolean, body: Record<string, unknown>) {
  if (anthropic) {
    const tools = body.tools as Array<{ name?: unknown; input_schema?: { type?: unknown } }> | undefined;
    const choice = body.tool_choice as { type?: unknown; name?: unknown } | undefined;
    if (!Array.isArray(tools) || tools.some((t) => typeof t.name !== 'string' || t.input_schema?.type !== 'object'))
      return { status: 400, message: "tools.0.input_schema.type: Input should be 'object'" };
    if (choice?.type === 'tool' && !tools.some((t) => t.name === choice.name))
      return { status: 400, message: 'tool_choice.name: the named tool is not in tools' };
    return undefined;
  }
  const format = body.response_format as
    | { type?: unknown; json_schema?: { name?: unknown; schema?: unknown } }
    | undefined;
  if (format?.type === 'json_schema' && (typeof format.json_schema?.name !== 'string' || !format.json_schema.schema))
    return { status: 400, message: "Missing required parameter: 'response_format.json_schema.name'." };
  if (format?.type === 'json_object' && !JSON.stringify(body.messages).toLowerCase().includes('json'))
    return {
      status: 400,
      message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
    };
  return undefined;
}

/** A structured call's answer: a `tool_use` block (Anthropic) or the message's JSON text (OpenAI). */
function structuredJson(anthropic: boolean, value: unknown, body: Record<string, unknown>, model: string) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (anthropic) {
    const name = (body.tool_choice as { name?: unknown }).name;
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content: [
        typeof value === 'string' ? { type: 'text', text } : { type: 'tool_use', id: 'toolu_fake', name, input: value },
      ],
      stop_reason: typeof value === 'string' ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 120, output_tokens: 20 },
    };
  }
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 120, completion_tokens: 20, total_tokens: 140 },
  };
}

function sendError(res: http.ServerResponse, anthropic: boolean, behaviour: Extract<Behaviour, { kind: 'error' }>) {
  const message = behaviour.message ?? `fake error ${behaviour.status}`;
  res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
  res.end(
    JSON.stringify(
      anthropic
        ? anthropicError(behaviour.status, message, behaviour.type)
        : openAiError(behaviour.status, message, behaviour.type),
    ),
  );
}

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const queue: Behaviour[] = [];
  const structuredQueue: StructuredBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const structuredRequests: RecordedRequest[] = [];
  const open = new Set<http.ServerResponse>();
  const fake = { fallback: DEFAULT_BEHAVIOUR, structuredFallback: DEFAULT_STRUCTURED };
  const answerStructured = (res: http.ServerResponse, anthropic: boolean, body: Record<string, unknown>) => {
    const problem = structuredProblem(anthropic, body);
    const behaviour = problem
      ? { kind: 'error' as const, ...problem }
      : (structuredQueue.shift() ?? fake.structuredFallback);
    if (behaviour.kind === 'error') return sendError(res, anthropic, behaviour);
    if (behaviour.kind === 'hang') return;
    void Promise.resolve(behaviour.gate).then(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(structuredJson(anthropic, behaviour.value, body, String(body.model))));
    });
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on('end', () => {
      const at = performance.now();
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const path = req.url ?? '';
      const structured = isStructured(body);
      (structured ? structuredRequests : requests).push({ path, headers: req.headers, body, at });
      open.add(res);
      res.on('close', () => open.delete(res));
      const anthropic = path.endsWith('/messages');
      const model = String(body.model ?? 'unknown');
      const problem = requestProblem(anthropic, req, body);
      if (structured && !problem) return answerStructured(res, anthropic, body);
      const behaviour: Behaviour = problem ? { kind: 'error', ...problem } : (queue.shift() ?? fake.fallback);
      switch (behaviour.kind) {
        case 'error':
          return sendError(res, anthropic, behaviour);
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
    structuredRequests,
    script: (...behaviours) => queue.push(...behaviours),
    scriptStructured: (...behaviours) => structuredQueue.push(...behaviours),
    pending: () => queue.length + structuredQueue.length,
    reset: () => {
      queue.length = 0;
      structuredQueue.length = 0;
      requests.length = 0;
      structuredRequests.length = 0;
      fake.fallback = DEFAULT_BEHAVIOUR;
      fake.structuredFallback = DEFAULT_STRUCTURED;
    },
    get fallback() {
      return fake.fallback;
    },
    set fallback(b: Behaviour) {
      fake.fallback = b;
    },
    get structuredFallback() {
      return fake.structuredFallback;
    },
    set structuredFallback(b: StructuredBehaviour) {
      fake.structuredFallback = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The fake of the calling test file: started before its tests, closed after them, and reset
 * after each test, which must have used every behaviour it scripted. Read it inside tests.
 */
export function useFakeLlmServerForFile(): FakeLlmServer {
  let started: FakeLlmServer | undefined;
  const fake = () => {
    if (!started) throw new Error('the fake LLM server starts in beforeAll');
    return started;
  };
  beforeAll(async () => {
    started = await startFakeLlmServer();
  });
  afterAll(async () => {
    await started?.close();
  });
  afterEach(() => {
    const unused = fake().pending();
    fake().reset();
    expect(unused, 'scripted behaviours left unused').toBe(0);
  });
  // Its fields and methods, forwarded to the server once it runs.
  return new Proxy({} as FakeLlmServer, {
    get: (_, key) => Reflect.get(fake(), key),
    set: (_, key, value) => Reflect.set(fake(), key, value),
  });
}
