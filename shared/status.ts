/** The four states of a message, as in the original REST contract. */
export const MESSAGE_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const TERMINAL_STATUSES: ReadonlySet<MessageStatus> = new Set(['completed', 'failed']);

export function isTerminal(status: MessageStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
