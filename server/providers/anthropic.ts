/**
 * Anthropic Claude through @anthropic-ai/sdk: the Messages API, streamed. (The current Messages
 * API takes no temperature, so LLM_TEMPERATURE does not apply here.)
 */
import Anthropic from '@anthropic-ai/sdk';
import { abortOf, classifyProviderError, isAbort, type ProviderIdentity } from './errors.js';
import type { CompletionRequest, CompletionResult, LlmProvider, StructuredRequest, StructuredResult } from './types.js';

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';

interface InputUsage {
  input_tokens: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** All input tokens: Anthropic counts tokens written to and read from its prompt cache apart. */
function promptTokensOf(usage: InputUsage): number | undefined {
  if (usage.input_tokens == null) return undefined;
  return usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

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
      // Until the response headers; a stalled stream is the dispatcher's stall timeout's job.
      timeout: options.timeoutMs,
      // The SDK logs to the console, bypassing pino, with pieces of the answer; we log its errors.
      logLevel: 'off',
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
            promptTokens = promptTokensOf(event.message.usage) ?? 0;
            completionTokens = event.message.usage.output_tokens ?? 0;
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta' && event.delta.text) {
              text += event.delta.text;
              request.onText(event.delta.text);
            }
            break;
          case 'message_delta':
            // Cumulative counts: the last report wins.
            completionTokens = event.usage.output_tokens ?? completionTokens;
            promptTokens = promptTokensOf(event.usage) ?? promptTokens;
            break;
          case 'message_stop':
            stopped = true;
            break;
        }
      }
      if (!stopped) throw new Error('The stream ended before message_stop.');
      return { text, usage: { promptTokens, completionTokens }, provider: this.name, model };
    } catch (error) {
      if (request.signal.aborted) throw abortOf(request.signal, error);
      if (isAbort(error)) throw error;
      throw classifyProviderError(this.identity, error);
    }
  }
  /** A forced tool call: the model must answer by calling the one tool, whose input is the shape. */
  async structured(request: StructuredRequest): Promise<StructuredResult> {
    try {
      const message = await this.client.messages.create(
        {
          model: this.model,
          max_tokens: request.maxTokens,
          system: request.system,
          messages: [{ role: 'user', content: request.input }],
          tools: [
            {
              name: request.name,
              description: request.description,
              input_schema: { ...request.jsonSchema, type: 'object' },
            },
          ],
          tool_choice: { type: 'tool', name: request.name },
        },
        { signal: request.signal },
      );
      const call = message.content.find((block) => block.type === 'tool_use' && block.name === request.name);
      return {
        value: call?.type === 'tool_use' ? call.input : undefined,
        provider: this.name,
        model: message.model || this.model,
      };
    } catch (error) {
      if (isAbort(error) || request.signal.aborted) throw error;
      throw classifyProviderError(this.identity, error);
    }
  }
}
