/** Names both ends agree on, in a module without zod so the browser bundle stays small. */
export const MONITOR_NAMESPACE = '/monitor';

/** Socket.IO room a socket joins to receive one message's events. */
export function messageRoom(messageId: string): string {
  return `message:${messageId}`;
}
