/** A conversation as clients see it: GET /api/conversations/:id, and the export that adds to it. */
import {
  type Conversation,
  type ConversationExport,
  type ConversationExportFormat,
  NOT_MEDICAL_ADVICE_NOTICE,
} from '../../shared/rest.js';
import { isTerminal } from '../../shared/status.js';
import type { ConversationRow } from '../db/conversations.js';
import type { MessageRow } from '../db/messages.js';
import { toMessageState } from '../messages/message-state.js';

/** GET /api/conversations/:id: the messages in the order they were asked. */
export function toConversation(conversation: ConversationRow, rows: MessageRow[]): Conversation {
  return {
    conversationId: conversation.id,
    createdAt: conversation.createdAt.toISOString(),
    updatedAt: conversation.updatedAt.toISOString(),
    messages: rows.map((row) => ({
      messageId: row.id,
      question: row.question,
      createdAt: row.createdAt.toISOString(),
      ...toMessageState(row),
    })),
  };
}

/** The export: the same, with when each answer ended, when it was exported, and the notice. */
export function toConversationExport(
  conversation: ConversationRow,
  rows: MessageRow[],
  exportedAt: Date,
): ConversationExport {
  const { messages, ...view } = toConversation(conversation, rows);
  return {
    format: 'medchat.conversation.v1',
    ...view,
    exportedAt: exportedAt.toISOString(),
    notice: NOT_MEDICAL_ADVICE_NOTICE,
    messages: messages.map((message, index) => {
      const completedAt = rows[index]?.completedAt;
      return completedAt && isTerminal(message.status)
        ? { ...message, completedAt: completedAt.toISOString() }
        : message;
    }),
  };
}

/** `medchat-conversation-<the day it started>-<the id's first 8 characters>.<md|json>` (ASCII: no quoting needed). */
export function exportFileName(exported: ConversationExport, format: ConversationExportFormat): string {
  const extension = format === 'markdown' ? 'md' : 'json';
  return `medchat-conversation-${exported.createdAt.slice(0, 10)}-${exported.conversationId.slice(0, 8)}.${extension}`;
}
