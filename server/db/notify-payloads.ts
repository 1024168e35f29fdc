/**
 * What is sent on each NOTIFY channel, as zod schemas: the status payload of
 * message_status_payload() (db/008 and after), the deltas of the delta publisher, and the empty
 * signals of the other triggers. The listener validates with them; a test checks them against
 * what the SQL really sends.
 */
import { z } from 'zod';
import { URGENT_SOURCES } from '../../shared/rest.js';
import { conversationDeletedEventSchema, messageDeltaEventSchema } from '../../shared/socket-events.js';
import { MESSAGE_STATUSES } from '../../shared/status.js';
import {
  CONVERSATION_DELETED_CHANNEL,
  DELETED_CHANNEL,
  DELTA_CHANNEL,
  DELTA_WANTED_CHANNEL,
  INSTANCES_CHANNEL,
  STATISTICS_CHANNEL,
  STATUS_CHANNEL,
} from './channels.js';

const statusPayload = z.object({
  id: z.uuid(),
  status: z.enum(MESSAGE_STATUSES),
  conversationId: z.uuid().optional(),
  response: z.string().optional(),
  error: z.string().optional(),
  cancelled: z.literal(true).optional(),
  urgent: z.literal(true).optional(),
  urgentAdvice: z.string().optional(),
  /** Which triage layer flagged it (db/009): the rules, or the model's second opinion later. */
  urgentSource: z.enum(URGENT_SOURCES).optional(),
  /** The answer or error did not fit in a NOTIFY payload: only the id came, read the row. */
  truncated: z.literal(true).optional(),
  /** When the database sent it (ms since the epoch), for the relay-lag metric. */
  sentAt: z.number().int().nonnegative(),
});
// Relayed to clients as it is: the wire's delta event.
const deltaPayload = z.object(messageDeltaEventSchema.shape);
// A conversation deleted, with (some of) its messages' ids: announceConversationDeleted sends them in chunks.
const conversationDeletedPayload = z.object({
  ...conversationDeletedEventSchema.shape,
  messageIds: z.array(z.uuid()),
});
// Which message's deltas an instance wants (delta-requests.ts).
const deltaWantedPayload = z.object({ messageId: z.uuid(), instanceId: z.string() });
// The other triggers only say that something changed.
const signalPayload = z.object({});
const TRUNCATED_KEYS = new Set(['id', 'status', 'truncated', 'sentAt']);

/** The SQL's rules: the answer only when completed, the error only when failed, the id only when truncated. */
function fitsItsStatus(ctx: z.core.ParsePayload<z.infer<typeof statusPayload>>): void {
  const { value } = ctx;
  const misplaced =
    (value.response !== undefined && value.status !== 'completed') ||
    (value.error !== undefined && value.status !== 'failed') ||
    (value.truncated && Object.keys(value).some((key) => !TRUNCATED_KEYS.has(key)));
  if (misplaced) ctx.issues.push({ code: 'custom', message: 'fields that do not belong to this status', input: value });
}

/**
 * `exact`: what this version's SQL and publisher send, no field more (the tests). `tolerant`: what
 * the listener needs; during a deploy an older instance hears a newer migration's payloads, whose
 * added fields it ignores rather than drop every status change.
 */
function payloadSchemas(mode: 'exact' | 'tolerant') {
  const exact = mode === 'exact';
  const status = exact ? statusPayload.strict().check(fitsItsStatus) : statusPayload.strip();
  const delta = exact ? deltaPayload.strict() : deltaPayload.strip();
  const signal = exact ? signalPayload.strict() : signalPayload.strip();
  const deltaWanted = exact ? deltaWantedPayload.strict() : deltaWantedPayload.strip();
  const conversationDeleted = exact ? conversationDeletedPayload.strict() : conversationDeletedPayload.strip();
  return {
    [STATUS_CHANNEL]: status,
    [DELTA_CHANNEL]: delta,
    [DELTA_WANTED_CHANNEL]: deltaWanted,
    [INSTANCES_CHANNEL]: signal,
    [DELETED_CHANNEL]: signal,
    [STATISTICS_CHANNEL]: signal,
    [CONVERSATION_DELETED_CHANNEL]: conversationDeleted,
  } as const;
}

export const notifyPayloadSchemas = payloadSchemas('tolerant');
export const exactNotifyPayloadSchemas = payloadSchemas('exact');

export type NotifyChannel = keyof typeof notifyPayloadSchemas;
export const NOTIFY_CHANNELS = Object.keys(notifyPayloadSchemas) as NotifyChannel[];

/** A status change as message_status_payload() writes it. */
export type StatusNotification = z.infer<(typeof notifyPayloadSchemas)[typeof STATUS_CHANNEL]>;

/** A conversation deleted, as announceConversationDeleted sends it (one chunk of its message ids). */
export type ConversationDeletedNotice = z.infer<(typeof notifyPayloadSchemas)[typeof CONVERSATION_DELETED_CHANNEL]>;
