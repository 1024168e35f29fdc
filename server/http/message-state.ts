import type { MessageState } from '../../shared/rest.js';
import type { MessageStatusEvent } from '../../shared/socket-events.js';
import type { MessageRow } from '../db/messages.js';

/** The REST view of a message: exactly the original four shapes. */
export function toMessageState(row: Pick<MessageRow, 'status' | 'response' | 'error'>): MessageState {
  switch (row.status) {
    case 'completed':
      return { status: 'completed', response: row.response ?? '' };
    case 'failed':
      return { status: 'failed', error: row.error ?? 'unknown error' };
    default:
      return { status: row.status };
  }
}

/** The same, as a realtime event. */
export function toStatusEvent(row: Pick<MessageRow, 'id' | 'status' | 'response' | 'error'>): MessageStatusEvent {
  return { messageId: row.id, ...toMessageState(row) };
}
