/**
 * A fake OpenAI Chat Completions server for the streaming benchmark, run as its own process (so
 * its CPU is not the bench's nor the service's): every streamed answer comes at a steady rate
 * (FAKE_TOKENS_PER_SECOND, after FAKE_FIRST_TOKEN_MS), in the real SSE chunk shape, each token
 * carrying its send time (timed-tokens.ts). The question names its answer: `[stream <key>]`; what
 * was sent for each key is kept for the bench to check the answers against (GET /sent).
 *
 * POST /v1/chat/completions   the API (streamed; a non-streamed call gets a short JSON answer)
 * POST /reset {"tokens": n}   forgets what was sent; later answers have n tokens
 * GET  /sent                  {"<key>": "<text sent>", …}
 *
 * test/helpers/fake-llm-server.ts scripts fixed pieces for tests; here each token is made when
 * it is sent, so this one stands apart.
 */
import http from 'node:http';
import { listenAndAnnounce, readJsonBody } from './script-server.js';
import { timedToken } from './timed-tokens.js';

const epochMs = Number(process.env.FAKE_EPOCH_MS ?? Date.now());
const intervalMs = 1000 / Number(process.env.FAKE_TOKENS_PER_SECOND ?? 20);
const firstTokenMs = Number(process.env.FAKE_FIRST_TOKEN_MS ?? 500);
let answerTokens = Number(process.env.FAKE_TOKENS ?? 400);
const sent = new Map<string, string>();
const KEY = /\[stream ([\w-]+)\]/;

function chunk(model: string, delta: object, finishReason: string | null, usage: object | null = null): string {
  const body = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    system_fingerprint: 'fp_bench',
    choices: finishReason === 'usage' ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage,
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** Streams `answerTokens` timed tokens, one every `intervalMs` (on a schedule, so delays do not add up). */
function streamAnswer(res: http.ServerResponse, key: string, model: string): void {
  const tokens = answerTokens;
  res.socket?.setNoDelay(true);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunk(model, { role: 'assistant', content: '' }, null));
  sent.set(key, '');
  const startMs = Date.now() + firstTokenMs;
  let text = '';
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => clearTimeout(timer));
  const next = () => {
    if (count === tokens) {
      res.write(chunk(model, {}, 'stop'));
      const usage = { prompt_tokens: 40, completion_tokens: tokens, total_tokens: 40 + tokens };
      res.write(chunk(model, {}, 'usage', usage));
      res.end('data: [DONE]\n\n');
      return;
    }
    const piece = timedToken(Date.now(), epochMs);
    text += piece;
    sent.set(key, text);
    res.write(chunk(model, { content: piece }, null));
    count += 1;
    timer = setTimeout(next, Math.max(0, startMs + count * intervalMs - Date.now()));
  };
  timer = setTimeout(next, firstTokenMs);
}

function complete(res: http.ServerResponse, body: Record<string, unknown>): void {
  const messages = body.messages as Array<{ content?: unknown }> | undefined;
  const key = KEY.exec(String(messages?.at(-1)?.content ?? ''))?.[1];
  const model = String(body.model ?? 'bench-model');
  if (body.stream !== true) {
    // A structured side call (the triage's second opinion): a short non-urgent verdict.
    const content = JSON.stringify({ emergency_now: false, category: null });
    const message = { role: 'assistant', content, refusal: null };
    const usage = { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 };
    const answer = { id: 'chatcmpl-bench', object: 'chat.completion', created: 1_700_000_000, model, usage };
    json(res, 200, { ...answer, choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }] });
    return;
  }
  if (!key) {
    json(res, 400, { error: { message: 'no [stream <key>] in the last message', type: 'invalid_request_error' } });
    return;
  }
  streamAnswer(res, key, model);
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

const server = http.createServer(async (req, res) => {
  const body = await readJsonBody(req, res);
  if (!body) return;
  if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) return complete(res, body);
  if (req.method === 'POST' && req.url === '/reset') {
    sent.clear();
    if (typeof body.tokens === 'number') answerTokens = body.tokens;
    return json(res, 200, { ok: true });
  }
  if (req.method === 'GET' && req.url === '/sent') return json(res, 200, Object.fromEntries(sent));
  json(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
});
server.keepAliveTimeout = 60_000;
listenAndAnnounce(server);
