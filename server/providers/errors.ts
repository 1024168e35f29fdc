/**
 * Turns what an SDK throws into a ProviderError: retryable or not, with a message that says
 * what to fix and never carries a stack trace or a key. Both SDKs throw errors with `status` and
 * `headers` for HTTP failures, and connection/timeout/abort error classes for the rest.
 */
import { ProviderError } from './types.js';

export interface ProviderIdentity {
  /** Display name: "Anthropic", "OpenAI", "DeepSeek". */
  label: string;
  /** The variable holding its key, named in messages about the key. */
  keyVariable: string;
  model: string;
}

const RETRYABLE_STATUSES = new Set([408, 409, 429, 529]);

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

function providerMessage(error: unknown): string | undefined {
  const body = (error as { error?: unknown }).error as { error?: { message?: unknown }; message?: unknown } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' && message.trim() ? scrub(message.trim()) : undefined;
}

export function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === 'AbortError' || name === 'APIUserAbortError';
}

export function classifyProviderError(who: ProviderIdentity, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const { label } = who;
  const status = (error as { status?: unknown })?.status;
  const name = (error as { name?: unknown })?.name;
  if (typeof status === 'number') {
    const detail = providerMessage(error);
    const said = detail ? ` It said: "${detail}"` : '';
    const retry = retryAfterMs((error as { headers?: { get(name: string): string | null } }).headers);
    if (RETRYABLE_STATUSES.has(status) || status >= 500) {
      const what =
        status === 429
          ? 'is rate limiting us'
          : status === 529 || /overload/i.test(detail ?? '')
            ? 'is overloaded'
            : status === 408
              ? 'timed out'
              : status === 409
                ? 'reported a conflict'
                : 'had a server error';
      return new ProviderError(`The ${label} API ${what} (${status}); the question will be retried.`, {
        retryable: true,
        status,
        retryAfterMs: retry,
        cause: error,
      });
    }
    const fix: Record<number, string> = {
      400: `The ${label} API rejected the request as invalid (400).${said}`,
      401: `The ${label} API key was rejected (401): check ${who.keyVariable}.`,
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
  if (name === 'APIConnectionTimeoutError') {
    return new ProviderError(`The ${label} API did not answer in time; the question will be retried.`, {
      retryable: true,
      cause: error,
    });
  }
  if (
    error instanceof SyntaxError ||
    /could not parse|unexpected (token|end)|json/i.test(String((error as Error)?.message))
  ) {
    return new ProviderError(`The ${label} API sent a malformed answer; the question will be retried.`, {
      retryable: true,
      cause: error,
    });
  }
  return new ProviderError(
    `The ${label} API could not be reached or the connection broke; the question will be retried.`,
    {
      retryable: true,
      cause: error,
    },
  );
}
