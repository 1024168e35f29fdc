/**
 * Anthropic Claude through @anthropic-ai/sdk: the Messages API, streamed. (The current Messages
 * API takes no temperature, so LLM_TEMPERATURE does not apply here.)
 */
import Anthropic from '@anthropic-ai/sdk';
import { classifyProviderError, isAbort, type ProviderIdentity } from './errors.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from './types.js';

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';

export interface AnthropicOptions {
  apiKey: string;
  baseUrl: string | undefined;
  model: string | undefined;
  maxTokens: number;
  timeoutMs: number;
}

export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  readonly model: string;
  private readonly client: Anthropic;
  private readonly identity: ProviderIdentity;

  constructor(private readonly options: AnthropicOptions) {
    this.model = options.model ?? DEFAULT_ANTHROPIC_MODEL;
    this.identity = { label: 'Anthropic', keyVariable: 'ANTHROPIC_API_KEY', model: this.model };
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseUrl ?? null,
      // Our retry policy decides and counts every retry (server/queue).
      maxRetries: 0,
      timeout: options.timeoutMs,
    });
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    try {
      const stream = await this.client.messages.create(
        {
          model: this.model,
          max_tokens: this.options.maxTokens,
          system: request.system,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          stream: true,
        },
        { signal: request.signal },
      );
      let text = '';
      let model = this.model;
      let promptTokens = 0;
      let completionTokens = 0;
      let stopped = false;
      for await (const event of stream) {
        switch (event.type) {
          case 'message_start':
            model = event.message.model || model;
            promptTokens = event.message.usage.input_tokens ?? 0;
            completionTokens = event.message.usage.output_tokens ?? 0;
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta' && event.delta.text) {
              text += event.delta.text;
              request.onText(event.delta.text);
            }
            break;
          case 'message_delta':
            completionTokens = event.usage.output_tokens ?? completionTokens;
            if (event.usage.input_tokens != null) promptTokens = event.usage.input_tokens;
            break;
          case 'message_stop':
            stopped = true;
            break;
        }
      }
      if (!stopped) throw new Error('The stream ended before message_stop.');
      return { text, usage: { promptTokens, completionTokens }, provider: this.name, model };
    } catch (error) {
      if (isAbort(error) || request.signal.aborted) throw error;
      throw classifyProviderError(this.identity, error);
    }
  }
}
