/**
 * The model the browser tests talk to: streams a medical-sounding answer in small pieces, and
 * behaves differently for special words in the question.
 *   "hostile"   → Markdown with script, onerror and javascript: links
 *   "fail once" → a non-retryable provider error the first time, a normal answer after
 *   "hang"      → no answer until cancelled
 *   "slow"      → streams three times slower (time to reload mid-answer)
 *   "long answer" → the answer three times over, in bigger pieces (taller than the screen)
 * Its second opinion (the triage's structured call) calls a question an emergency (sepsis) when
 * it holds "#urgent", and nothing else.
 */
import { mockAnswer } from '../../server/providers/mock.js';
import type {
  CompletionRequest,
  CompletionResult,
  LlmProvider,
  StructuredRequest,
  StructuredResult,
} from '../../server/providers/types.js';
import { ProviderError } from '../../server/providers/types.js';

export const HOSTILE = [
  '## Advice',
  '<script>window.__xss = "script"</script>',
  '<img src="x" onerror="window.__xss = \'img\'">',
  '[Read more](javascript:window.__xss=%22link%22)',
  '<a href="javascript:window.__xss=\'raw-link\'">raw link</a>',
  '<iframe src="javascript:window.__xss=\'iframe\'"></iframe>',
  '<p onmouseover="window.__xss=\'hover\'">Hover here</p>',
  '| Drink | Amount |\n| --- | --- |\n| Water | **2 l** |',
].join('\n\n');

const PIECE_MS = 25;

export class ScriptedProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly model = 'scripted-1';
  private readonly failedOnce = new Set<string>();

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const question = request.messages.at(-1)?.content ?? '';
    if (question.includes('fail once') && !this.failedOnce.has(question)) {
      this.failedOnce.add(question);
      throw new ProviderError('The model provider refused this question (400).', { retryable: false, status: 400 });
    }
    if (question.includes('hang')) {
      await new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
    }
    const earlier = (request.messages.length - 1) / 2;
    const followUp = earlier > 0 ? `\n\n_Following up on ${earlier} earlier question${earlier > 1 ? 's' : ''}._` : '';
    const long = question.includes('long answer');
    const answer = long ? Array(3).fill(mockAnswer(question)).join('\n\n') : mockAnswer(question);
    const text = question.includes('hostile') ? HOSTILE : `${answer}${followUp}`;
    const pause = question.includes('slow') ? PIECE_MS * 3 : PIECE_MS;
    for (const piece of text.match(long ? /.{1,48}/gs : /.{1,12}/gs) ?? [text]) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      request.signal.throwIfAborted();
      request.onText(piece);
    }
    return { text, usage: { promptTokens: 20, completionTokens: 40 }, provider: this.name, model: this.model };
  }

  async structured(request: StructuredRequest): Promise<StructuredResult> {
    const urgent = request.input.includes('#urgent');
    const value = { emergency_now: urgent, category: urgent ? 'meningitis-or-sepsis' : null };
    return { value, provider: this.name, model: this.model };
  }
}
