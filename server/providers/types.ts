/** The one interface every LLM provider implements. */

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  /** The system prompt (server/prompts/). */
  system: string;
  /** Earlier turns of the conversation (oldest first), then the question as the last user turn. */
  messages: ChatTurn[];
  /** Aborts the call (shutdown, cancellation, our own timeout). */
  signal: AbortSignal;
  /** Called with each piece of text as the provider streams it, in order. */
  onText: (text: string) => void;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface CompletionResult {
  text: string;
  usage: TokenUsage;
  /** The provider and model that actually answered (a fallback may answer for the primary). */
  provider: string;
  model: string;
}

/**
 * A short, non-streamed call whose answer has a given shape (the triage's second opinion): the
 * provider asks for it with its SDK's structured-output mechanism and returns what the model
 * filled in, unchecked. The caller validates it (zod): a model can still send anything.
 */
export interface StructuredRequest {
  system: string;
  /** The one user turn. */
  input: string;
  /** The shape's name (a tool or response-format name): letters, digits, `_` and `-`. */
  name: string;
  description: string;
  /** JSON Schema of the shape, strict: every property required, no others. */
  jsonSchema: Record<string, unknown>;
  maxTokens: number;
  signal: AbortSignal;
}

export interface StructuredResult {
  /** The model's filled-in shape as parsed JSON; anything (or undefined) when it did not comply. */
  value: unknown;
  provider: string;
  model: string;
}

export interface LlmProvider {
  readonly name: string;
  readonly model: string;
  complete(request: CompletionRequest): Promise<CompletionResult>;
  /** Absent when the provider cannot give structured answers (the mock). */
  structured?(request: StructuredRequest): Promise<StructuredResult>;
}

/**
 * A failed provider call, already classified. `retryable` decides whether our retry policy tries
 * again; `message` is safe to show a user (no stack, no key); `retryAfterMs` is the provider's
 * own Retry-After when it sent one.
 */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  /** The provider whose call failed, when a chain (fallbacks) stood behind one name. */
  failedProvider: { name: string; model: string } | undefined;

  constructor(
    message: string,
    options: { retryable: boolean; retryAfterMs?: number; status?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}
