/**
 * A local HTTP server that speaks the Anthropic Messages API (POST /v1/messages) and OpenAI
 * Chat Completions (POST /v1/chat/completions) as documented: JSON errors in each provider's
 * shape and SSE streams with their real event names and usage. Each request takes the next
 * scripted behaviour (or the default), so a test can say "429, then 500, then success".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | {
      kind: 'answer';
      pieces: string[];
      promptTokens?: number;
      completionTokens?: number;
      model?: string;
      delayMs?: number;
    }
  | { kind: 'error'; status: number; message?: string; type?: string; headers?: Record<string, string> }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Streams these pieces, then drops the connection mid-stream. */
  | { kind: 'cut'; pieces: string[] }
  /** Streams a chunk that is not valid JSON. */
  | { kind: 'malformed' };

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeLlmServer {
  url: string;
  /** Base URLs as the SDKs want them. */
  anthropicBaseUrl: string;
  openAiBaseUrl: string;
  requests: RecordedRequest[];
  /** Behaviours for the next requests, in order; then `fallback`. */
  script(...behaviours: Behaviour[]): void;
  fallback: Behaviour;
  close(): Promise<void>;
}

const sse = (res: http.ServerResponse, event: string | undefined, data: unknown) => {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
};

function anthropicError(status: number, message: string, type?: string) {
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    500: 'api_error',
    529: 'overloaded_error',
  };
  return { type: 'error', error: { type: type ?? types[status] ?? 'api_error', message } };
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

async function streamAnthropic(
  res: http.ServerResponse,
  b: Extract<Behaviour, { kind: 'answer' | 'cut' }>,
  model: string,
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: (b.kind === 'answer' && b.model) || model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: (b.kind === 'answer' && b.promptTokens) || 25, output_tokens: 1 },
    },
  });
  sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  sse(res, 'ping', { type: 'ping' });
  for (const piece of b.pieces) {
    if (b.kind === 'answer' && b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    sse(res, 'content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: piece },
    });
  }
  if (b.kind === 'cut') {
    // Let what was written reach the client, then drop the connection without ending the stream.
    setTimeout(() => res.socket?.destroy(), 30);
    return;
  }
  sse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: b.completionTokens ?? 15 },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

async function streamOpenAi(
  res: http.ServerResponse,
  b: Extract<Behaviour, { kind: 'answer' | 'cut' }>,
  model: string,
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: (b.kind === 'answer' && b.model) || model,
    system_fingerprint: 'fp_fake',
    choices,
    ...extra,
  });
  sse(
    res,
    undefined,
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
  );
  for (const piece of b.pieces) {
    if (b.kind === 'answer' && b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    sse(res, undefined, chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
  }
  if (b.kind === 'cut') {
    // Let what was written reach the client, then drop the connection without ending the stream.
    setTimeout(() => res.socket?.destroy(), 30);
    return;
  }
  sse(res, undefined, chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]));
  const prompt = b.promptTokens ?? 9;
  const completion = b.completionTokens ?? 12;
  sse(
    res,
    undefined,
    chunk([], { usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }),
  );
  sse(res, undefined, '[DONE]');
  res.end();
}

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const queue: Behaviour[] = [];
  const requests: RecordedRequest[] = [];
  const open = new Set<http.ServerResponse>();
  const fake = {
    fallback: { kind: 'answer', pieces: ['Rest, ', 'fluids ', 'and time.'] } as Behaviour,
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const path = req.url ?? '';
      requests.push({ path, headers: req.headers, body });
      open.add(res);
      res.on('close', () => open.delete(res));
      const anthropic = path.endsWith('/messages');
      const behaviour = queue.shift() ?? fake.fallback;
      const model = String(body.model ?? 'unknown');
      switch (behaviour.kind) {
        case 'answer':
        case 'cut':
          void (anthropic ? streamAnthropic(res, behaviour, model) : streamOpenAi(res, behaviour, model));
          return;
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
        case 'malformed':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          if (anthropic) {
            res.write('event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"mess');
            res.write('\n\nevent: content_block_delta\ndata: {not json at all}\n\n');
          } else {
            res.write('data: {"id":"x","choices":[{"index":0,"delta":{"content":"Hel\n\ndata: {broken json}\n\n');
          }
          res.end();
          return;
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
