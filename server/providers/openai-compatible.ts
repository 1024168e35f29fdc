/**
 * OpenAI Chat Completions through the openai SDK, streamed with usage: OpenAI itself, DeepSeek,
 * and any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio) by its base URL.
 */
import OpenAI from 'openai';
import { abortOf, classifyProviderError, isAbort, type ProviderIdentity } from './errors.js';
import type { CompletionRequest, CompletionResult, LlmProvider, StructuredRequest, StructuredResult } from './types.js';

export const DEFAULT_OPENAI_MODEL = 'gpt-4.1';
export const DEFAULT_DEEPSEEK_MODEL = 'deepseek-chat';
export const OPENAI_API_URL = 'https://api.openai.com/v1';

export interface OpenAiCompatibleOptions {
  /** Provider name as recorded on the message: "openai" or "deepseek". */
  name: 'openai' | 'deepseek';
  identity: Omit<ProviderIdentity, 'model'>;
  apiKey: string | undefined;
  baseUrl: string;
  model: string;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
}

/** Reasoning models (o-series, gpt-5) take no temperature and count output as max_completion_tokens. */
const REASONING_MODEL = /^(o\d|gpt-5)/;
/** Output tokens a reasoning model may spend on a structured answer: its thinking counts too. */
const REASONING_MIN_TOKENS = 2048;

/** The reply of JSON mode or Structured Outputs, parsed; the text itself when it is not JSON. */
function parsedJson(content: string | null | undefined): unknown {
  if (content == null) return undefined;
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

export class OpenAiCompatibleProvider implements LlmProvider {
  readonly name: 'openai' | 'deepseek';
  readonly model: string;
  private readonly client: OpenAI;
  private readonly identity: ProviderIdentity;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.name = options.name;
    this.model = options.model;
    this.identity = { ...options.identity, model: options.model };
    this.client = new OpenAI({
      // Local servers need no key, but the SDK insists on a string.
      apiKey: options.apiKey ?? 'not-needed',
      baseURL: options.baseUrl,
      // Our retry policy decides and counts every retry (server/queue).
      maxRetries: 0,
      // Until the response headers; a stalled stream is the dispatcher's stall timeout's job.
      timeout: options.timeoutMs,
      // The SDK logs to the console, bypassing pino, with pieces of the answer; we log its errors.
      logLevel: 'off',
      // config.ts is the only reader of the environment (and DeepSeek must not get an OpenAI org).
      organization: null,
      project: null,
    });
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const reasoning = REASONING_MODEL.test(this.model);
    const officialOpenAi = this.options.baseUrl.startsWith(OPENAI_API_URL);
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.model,
          messages: [{ role: 'system', content: request.system }, ...request.messages],
          stream: true,
          stream_options: { include_usage: true },
          ...(reasoning ? {} : { temperature: this.options.temperature }),
          // OpenAI itself wants max_completion_tokens; compatible servers know max_tokens.
          ...(officialOpenAi
            ? { max_completion_tokens: this.options.maxTokens }
            : { max_tokens: this.options.maxTokens }),
        },
        { signal: request.signal },
      );
      let text = '';
      let model = this.model;
      let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
      let finished = false;
      for await (const chunk of stream) {
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
          const piece = choice.delta?.content;
          if (piece) {
            text += piece;
            request.onText(piece);
          }
          if (choice.finish_reason) finished = true;
        }
      }
      if (!finished) throw new Error('The stream ended without a finish_reason.');
      return {
        text,
        // Some compatible servers send no usage; count nothing rather than guess.
        usage: { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 },
        provider: this.name,
        model,
      };
    } catch (error) {
      if (request.signal.aborted) throw abortOf(request.signal, error);
      if (isAbort(error)) throw error;
      throw classifyProviderError(this.identity, error);
    }
  }
  /**
   * Structured Outputs: a strict JSON Schema response format. DeepSeek has only JSON mode, so
   * there the schema goes into the prompt (the caller checks the reply either way).
   */
  async structured(request: StructuredRequest): Promise<StructuredResult> {
    const reasoning = REASONING_MODEL.test(this.model);
    const maxTokens = reasoning ? Math.max(request.maxTokens, REASONING_MIN_TOKENS) : request.maxTokens;
    const jsonMode = this.name === 'deepseek';
    const schemaText = `Answer with one JSON object that matches this JSON Schema: ${JSON.stringify(request.jsonSchema)}`;
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.model,
          messages: [
            { role: 'system', content: jsonMode ? `${request.system}\n\n${schemaText}` : request.system },
            { role: 'user', content: request.input },
          ],
          ...(reasoning ? { reasoning_effort: 'low' as const } : { temperature: 0 }),
          ...(this.options.baseUrl.startsWith(OPENAI_API_URL)
            ? { max_completion_tokens: maxTokens }
            : { max_tokens: maxTokens }),
          response_format: jsonMode
            ? { type: 'json_object' }
            : {
                type: 'json_schema',
                json_schema: {
                  name: request.name,
                  description: request.description,
                  schema: request.jsonSchema,
                  strict: true,
                },
              },
        },
        { signal: request.signal },
      );
      const content = completion.choices[0]?.message.content;
      return { value: parsedJson(content), provider: this.name, model: completion.model || this.model };
    } catch (error) {
      if (isAbort(error) || request.signal.aborted) throw error;
      throw classifyProviderError(this.identity, error);
    }
  }
}
