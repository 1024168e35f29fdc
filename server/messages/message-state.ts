/** A message's state as clients see it, over REST (http/) and as an event (realtime/). */
import type { MessageState } from '../../shared/rest.js';
import type { MessageStatusEvent } from '../../shared/socket-events.js';
import type { MessageStateRow } from '../db/messages.js';

type StateFields = Pick<MessageStateRow, 'status' | 'response' | 'error'> &
  Partial<Pick<MessageStateRow, 'cancelled' | 'urgent' | 'urgentAdvice' | 'urgentSource'>>;

/**
 * The REST view of a message: exactly the original four shapes, plus `cancelled` and
 * `urgent`/`urgentAdvice`/`urgentSource` only on messages where they are true.
 */
export function toMessageState(row: StateFields): MessageState {
  const state: MessageState = { status: row.status };
  if (row.status === 'completed') state.response = row.response ?? '';
  if (row.status === 'failed') state.error = row.error ?? 'unknown error';
  if (row.cancelled) state.cancelled = true;
  if (row.urgent) {
    state.urgent = true;
    if (row.urgentAdvice) state.urgentAdvice = row.urgentAdvice;
    if (row.urgentSource) state.urgentSource = row.urgentSource;
  }
  return state;
}

/** The same, as a realtime event. */
export function toStatusEvent(
  row: StateFields & Pick<MessageStateRow, 'id'> & Partial<Pick<MessageStateRow, 'conversationId'>>,
): MessageStatusEvent {
  const event: MessageStatusEvent = { messageId: row.id, ...toMessageState(row) };
  if (row.conversationId) event.conversationId = row.conversationId;
  return event;
}
