/**
 * Cancelling is business of the queue, heard on every instance: a message cancelled through any
 * instance (its status event says so) stops the worker answering it here, if one is. The instance
 * that took the cancel stops its own worker at once (http/routes/chat.ts).
 */
import type { RelayTarget } from '../messages/relay-target.js';
import type { Dispatcher } from './dispatcher.js';

export function abortCancelledWork(dispatcher: Pick<Dispatcher, 'abort'>): RelayTarget {
  return {
    status: (event) => {
      if (event.cancelled) dispatcher.abort(event.messageId);
    },
    delta: () => undefined,
    watchedMessageIds: () => [],
  };
}
