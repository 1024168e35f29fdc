/**
 * Cancelling is business of the queue, heard on every instance: a message cancelled through any
 * instance (its status event says so) stops the worker answering it here, if one is; so does a
 * message whose conversation was deleted (its notice). The instance that took the cancel or the
 * delete stops its own worker at once (http/routes/).
 */
import type { RelayTarget } from '../messages/relay-target.js';
import type { Dispatcher } from './dispatcher.js';

export function abortCancelledWork(dispatcher: Pick<Dispatcher, 'abort'>): RelayTarget {
  return {
    status: (event) => {
      if (event.cancelled) dispatcher.abort(event.messageId);
    },
    conversationDeleted: ({ messageIds }) => {
      for (const messageId of messageIds) dispatcher.abort(messageId);
    },
    delta: () => undefined,
    watchedMessageIds: () => [],
  };
}
