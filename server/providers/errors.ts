/**
 * Turns what an SDK throws into a ProviderError: retryable or not, with a message that says
 * what to fix and never carries a stack trace or a key. Both SDKs throw errors with `status` and
 * `headers` for HTTP failures, status-less API errors for error events inside a stream, and
 * connection/timeout/abort error classes for the rest.
 *
 * A retryable message reaches a user only once the retries are used up, so none promises a retry.
 */
import { APIUserAbortError as AnthropicAbort, APIConnectionTimeoutError as AnthropicTimeout } from '@anthropic-ai/sdk';
import { APIUserAbortError as OpenAiAbort, APIConnectionTimeoutError as OpenAiTimeout } from 'openai';
import { ProviderError } from './types.js';

export interface ProviderIdentity {
  /** Display name: "Anthropic", "OpenAI", "DeepSeek". */
  label: string;
  /** The variable holding its key, named in messages about the key. */
  keyVariable: string;
  model: string;
}

const RETRYABLE_STATUSES = new Set([408, 409, 429, 529]);

/**
 * The status an error `type` stands for, for errors that arrive inside a 200 stream (Anthropic's
 * `error` event, an OpenAI chunk holding `error`) and so have no HTTP status of their own.
 */
const STATUS_OF_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  api_error: 500,
  server_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Retry-After as milliseconds: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Anything that looks like a secret is blanked before a provider's text reaches a user. */
function scrub(text: string): string {
  return text
    .replace(/\b(sk|pk|key|token)[-_][A-Za-z0-9_-]{6,}/gi, '[redacted]')
    .replace(/\s+/g, ' ')
    .slice(0, 200);
}

/** The API's error body as the SDKs keep it: `{ error: { type, message } }` or `{ type, message }`. */
function errorBody(error: unknown): { type?: unknown; message?: unknown } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const body = (error as { error?: unknown }).error as
    | { error?: { type?: unknown; message?: unknown }; type?: unknown; message?: unknown }
    | undefined;
  return body?.error ?? body;
}

function providerMessage(error: unknown): string | undefined {
  const message = errorBody(error)?.message;
  return typeof message === 'string' && message.trim() ? scrub(message.trim()) : undefined;
}

function errorType(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const type = (error as { type?: unknown }).type ?? errorBody(error)?.type;
  return typeof type === 'string' ? type : undefined;
}

/**
 * What a call ends with once its signal fired: an abort, whatever the SDK did meanwhile (an
 * aborted stream may just end, and then look like an incomplete answer).
 */
export function abortOf(signal: AbortSignal, error: unknown): unknown {
  if (isAbort(error)) return error;
  return isAbort(signal.reason) ? signal.reason : new DOMException('The call was aborted.', 'AbortError');
}

export function isAbort(error: unknown): boolean {
  if (error instanceof AnthropicAbort || error instanceof OpenAiAbort) return true;
  return (error as { name?: unknown })?.name === 'AbortError';
}

function isTimeout(error: unknown): boolean {
  // openai 6.x leaves `name` as "Error" on its timeout class, so the class decides.
  return error instanceof AnthropicTimeout || error instanceof OpenAiTimeout;
}

function classifyStatus(who: ProviderIdentity, error: unknown, status: number, type: string | undefined) {
  const { label } = who;
  const detail = providerMessage(error);
  const said = detail ? ` It said: "${detail}"` : '';
  if (RETRYABLE_STATUSES.has(status) || status >= 500) {
    const what =
      status === 429
        ? 'is rate limiting us'
        : status === 529 || type === 'overloaded_error' || /overload/i.test(detail ?? '')
          ? 'is overloaded'
          : status === 408 || status === 504
            ? 'timed out'
            : status === 409
              ? 'reported a conflict'
              : 'had a server error';
    return new ProviderError(`The ${label} API ${what} (${status}); try again later.`, {
      retryable: true,
      status,
      retryAfterMs: retryAfterMs((error as { headers?: { get(name: string): string | null } }).headers),
      cause: error,
    });
  }
  const fix: Record<number, string> = {
    400: `The ${label} API rejected the request as invalid (400).${said}`,
    401: `The ${label} API key was rejected (401): check ${who.keyVariable}.`,
    402: `The ${label} account has no credit left (402): check its billing.`,
    403: `The ${label} API key is not allowed to do this (403): check ${who.keyVariable} and its permissions for model ${who.model}.`,
    404: `The ${label} API does not know model "${who.model}" or the endpoint (404): check LLM_MODEL and the base URL.`,
    413: `The question and its conversation are too long for the ${label} API (413).`,
    422: `The ${label} API could not process the request (422).${said}`,
  };
  return new ProviderError(fix[status] ?? `The ${label} API refused the request (${status}).${said}`, {
    retryable: false,
    status,
    cause: error,
  });
}

export function classifyProviderError(who: ProviderIdentity, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const { label } = who;
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number') return classifyStatus(who, error, status, errorType(error));
  if (isTimeout(error)) {
    return new ProviderError(`The ${label} API did not answer in time (LLM_TIMEOUT_MS).`, {
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError(`The ${label} API sent a malformed answer (invalid JSON in the stream).`, {
      retryable: true,
      cause: error,
    });
  }
  // An error event inside the stream: its type says what happened.
  // An unknown type is the provider's own failure, like a 500.
  const type = errorType(error);
  if (type !== undefined) return classifyStatus(who, error, STATUS_OF_ERROR_TYPE[type] ?? 500, type);
  return new ProviderError(`The ${label} API could not be reached or the connection broke.`, {
    retryable: true,
    cause: error,
  });
}
