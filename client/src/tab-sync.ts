/**
 * The app's tabs in this browser keep each other up to date: a conversation deleted in one is
 * dropped by the others (BroadcastChannel), and a change to the stored list (another tab asked
 * or deleted) redraws it (the storage event).
 */
import { CONVERSATIONS_KEY } from './conversations-store.js';

const CHANNEL = 'medchat';

export interface TabSyncHandlers {
  conversationDeleted(conversationId: string): void;
  listChanged(): void;
}

/** What the tabs tell each other; anything else on the channel is ignored. */
interface ConversationDeletedMessage {
  type: 'conversation-deleted';
  conversationId: string;
}

function isConversationDeleted(data: unknown): data is ConversationDeletedMessage {
  const message = data as Partial<ConversationDeletedMessage> | null;
  return message?.type === 'conversation-deleted' && typeof message.conversationId === 'string';
}

export class TabSync {
  private readonly channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;

  constructor(handlers: TabSyncHandlers) {
    this.channel?.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (isConversationDeleted(event.data)) handlers.conversationDeleted(event.data.conversationId);
    });
    window.addEventListener('storage', (event) => {
      if (event.key === CONVERSATIONS_KEY || event.key === null) handlers.listChanged();
    });
  }

  /** Tells the other tabs (a tab does not hear its own messages). */
  conversationDeleted(conversationId: string): void {
    this.channel?.postMessage({ type: 'conversation-deleted', conversationId } satisfies ConversationDeletedMessage);
  }
}
