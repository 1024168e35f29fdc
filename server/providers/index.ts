/** Builds the configured provider. */
import type { Config } from '../config.js';
import { MockProvider } from './mock.js';
import type { LlmProvider } from './types.js';

export function createProvider(llm: Config['llm']): LlmProvider {
  switch (llm.provider) {
    case 'mock':
      return new MockProvider({ latencyMs: llm.mock.latencyMs, failureRate: llm.mock.failureRate, model: llm.model });
    default:
      throw new Error(`Provider ${llm.provider} is not available in this build.`);
  }
}

export type { LlmProvider } from './types.js';
