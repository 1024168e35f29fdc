/** Builds the configured provider chain: the primary, then LLM_FALLBACK, behind circuit breakers. */
import type { Config, ProviderName } from '../config.js';
import { AnthropicProvider } from './anthropic.js';
import { MockProvider } from './mock.js';
import {
  DEFAULT_DEEPSEEK_MODEL,
  DEFAULT_OPENAI_MODEL,
  OPENAI_API_URL,
  OpenAiCompatibleProvider,
} from './openai-compatible.js';
import { ResilientProvider } from './resilient.js';
import type { LlmProvider } from './types.js';

/** One provider. LLM_MODEL applies to the primary only; fallbacks use their defaults. */
export function createSingleProvider(name: ProviderName, llm: Config['llm'], model: string | undefined): LlmProvider {
  switch (name) {
    case 'mock':
      return new MockProvider({ latencyMs: llm.mock.latencyMs, failureRate: llm.mock.failureRate, model });
    case 'anthropic':
      return new AnthropicProvider({
        apiKey: llm.anthropic.apiKey ?? '',
        baseUrl: llm.anthropic.baseUrl,
        model,
        maxTokens: llm.maxTokens,
        timeoutMs: llm.timeoutMs,
      });
    case 'openai':
      return new OpenAiCompatibleProvider({
        name: 'openai',
        identity: { label: 'OpenAI', keyVariable: 'OPENAI_API_KEY' },
        apiKey: llm.openai.apiKey,
        baseUrl: llm.openai.baseUrl ?? OPENAI_API_URL,
        model: model ?? DEFAULT_OPENAI_MODEL,
        temperature: llm.temperature,
        maxTokens: llm.maxTokens,
        timeoutMs: llm.timeoutMs,
      });
    case 'deepseek':
      return new OpenAiCompatibleProvider({
        name: 'deepseek',
        identity: { label: 'DeepSeek', keyVariable: 'DEEPSEEK_API_KEY' },
        apiKey: llm.deepseek.apiKey,
        baseUrl: llm.deepseek.baseUrl,
        model: model ?? DEFAULT_DEEPSEEK_MODEL,
        temperature: llm.temperature,
        maxTokens: llm.maxTokens,
        timeoutMs: llm.timeoutMs,
      });
  }
}

export function createProvider(llm: Config['llm']): LlmProvider {
  const names = [llm.provider, ...llm.fallback.filter((name) => name !== llm.provider)];
  const providers = names.map((name, index) => createSingleProvider(name, llm, index === 0 ? llm.model : undefined));
  // The mock alone needs no breaker: its failures (MOCK_FAILURE_RATE) exist to exercise retries.
  if (providers.length === 1 && providers[0] instanceof MockProvider) return providers[0];
  return new ResilientProvider(providers);
}

export type { LlmProvider } from './types.js';
