import type { z } from 'zod';
import { statisticsSchema } from './rest.js';
import { messageCurrentStateSchema, messageDeltaEventSchema } from './socket-events.js';

/**
 * Server-Sent Events, by event name: `status` and `delta` on GET /api/chat/:messageId/events (the
 * first `status` is the current state, with the text so far while it is being answered), `stats`
 * on GET /api/statistics/stream.
 */
export const sseEventSchemas = {
  status: messageCurrentStateSchema,
  delta: messageDeltaEventSchema,
  stats: statisticsSchema,
};
export type SseEvents = { [Event in keyof typeof sseEventSchemas]: z.infer<(typeof sseEventSchemas)[Event]> };
