import type { ContextTurn } from '../db/conversations.js';
import type { ChatTurn } from '../providers/types.js';

/**
 * The earlier turns a follow-up carries, as chat turns, oldest dropped first until their text
 * fits in `maxChars`. A turn is kept or dropped whole: half a question misleads a model.
 */
export function boundContext(turns: ContextTurn[], maxChars: number): ChatTurn[] {
  const kept: ContextTurn[] = [];
  let used = 0;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i] as ContextTurn;
    const size = turn.question.length + turn.response.length;
    if (used + size > maxChars) break;
    kept.unshift(turn);
    used += size;
  }
  return kept.flatMap((turn) => [
    { role: 'user' as const, content: turn.question },
    { role: 'assistant' as const, content: turn.response },
  ]);
}
