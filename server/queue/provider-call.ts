/**
 * One call of the model, the only place its text enters the service: every piece streamed and
 * the final answer are cleaned here of what PostgreSQL cannot store, before anything publishes
 * or writes them. A failure comes out as a ProviderError whose message is cleaned the same way.
 */
import { withoutNul } from '../db/nul-characters.js';
import type { ChatTurn, CompletionResult, LlmProvider } from '../providers/types.js';
import { asProviderError } from './classify-error.js';
import { withStallTimeout } from './stall-timeout.js';

export interface ProviderCall {
  provider: LlmProvider;
  system: string;
  turns: ChatTurn[];
  /** No text for this long stops the call (LLM_TIMEOUT_MS). */
  timeoutMs: number;
  signal: AbortSignal;
  onText: (text: string) => void;
}

export async function callProvider(call: ProviderCall): Promise<CompletionResult> {
  try {
    const result = await withStallTimeout({ timeoutMs: call.timeoutMs, outer: call.signal }, (signal, progress) =>
      call.provider.complete({
        system: call.system,
        messages: call.turns,
        signal,
        onText: (text) => {
          progress();
          const clean = withoutNul(text);
          if (clean) call.onText(clean);
        },
      }),
    );
    return {
      ...result,
      text: withoutNul(result.text),
      provider: withoutNul(result.provider),
      model: withoutNul(result.model),
    };
  } catch (error) {
    const failure = asProviderError(error);
    failure.message = withoutNul(failure.message);
    throw failure;
  }
}
