/**
 * The person's recent conversations, kept in this browser (there are no accounts): ids, a
 * title, and the ids of the messages asked, so a reload can show them again from the server.
 */
export interface StoredConversation {
  /** Null until the server has assigned one (the first question's answer names it). */
  conversationId: string | null;
  title: string;
  updatedAt: number;
  messages: Array<{ messageId: string; question: string }>;
}

/** The storage key of the list (other tabs watch it: tab-sync.ts). */
export const CONVERSATIONS_KEY = 'medchat.conversations.v1';
const MAX_CONVERSATIONS = 30;

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export class ConversationsStore {
  constructor(private readonly storage: KeyValueStore) {}

  list(): StoredConversation[] {
    try {
      const parsed = JSON.parse(this.storage.getItem(CONVERSATIONS_KEY) ?? '[]') as unknown;
      return Array.isArray(parsed) ? (parsed as StoredConversation[]) : [];
    } catch {
      return [];
    }
  }

  get(conversationId: string): StoredConversation | undefined {
    return this.list().find((c) => c.conversationId === conversationId);
  }

  /** Records a question; creates the conversation entry on its first question. */
  addMessage(conversationId: string, messageId: string, question: string): StoredConversation {
    const others = this.list().filter((c) => c.conversationId !== conversationId);
    const conversation = this.get(conversationId) ?? {
      conversationId,
      title: question.slice(0, 80),
      updatedAt: Date.now(),
      messages: [],
    };
    if (!conversation.messages.some((m) => m.messageId === messageId)) {
      conversation.messages.push({ messageId, question });
    }
    conversation.updatedAt = Date.now();
    // The most recently used conversation first.
    this.save([conversation, ...others].slice(0, MAX_CONVERSATIONS));
    return conversation;
  }

  remove(conversationId: string): void {
    this.save(this.list().filter((c) => c.conversationId !== conversationId));
  }

  private save(all: StoredConversation[]): void {
    try {
      this.storage.setItem(CONVERSATIONS_KEY, JSON.stringify(all));
    } catch {
      // Storage full or disabled (private mode): the app still works, it just forgets on reload.
    }
  }
}
