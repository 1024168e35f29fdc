/**
 * The instance's one LISTEN connection (pg-listen). It reconnects by itself, forever, and says
 * so, so that the relay can re-send the state of every watched message (no terminal state lost).
 */
import pgListen, { type Subscriber } from 'pg-listen';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { MessageDeltaEvent } from '../../shared/socket-events.js';
import {
  CONVERSATION_DELETED_CHANNEL,
  DELETED_CHANNEL,
  DELTA_CHANNEL,
  DELTA_WANTED_CHANNEL,
  INSTANCES_CHANNEL,
  STATISTICS_CHANNEL,
  STATUS_CHANNEL,
} from '../db/channels.js';
import {
  type ConversationDeletedNotice,
  NOTIFY_CHANNELS,
  type NotifyChannel,
  notifyPayloadSchemas,
  type StatusNotification,
} from '../db/notify-payloads.js';
import { createAfterIoQueue } from './after-io.js';

export type { StatusNotification };

export interface ListenerHandlers {
  status(notification: StatusNotification): void;
  delta(event: MessageDeltaEvent): void;
  /** Whether this message's deltas are of use here (watched here); the others are dropped unread. */
  wantsDeltasOf(messageId: string): boolean;
  /** An instance (`by`) watches this message: if it is answered elsewhere, its deltas are to go on the bus. */
  deltaWanted(messageId: string, by: string): void;
  instancesChanged(): void;
  /** Something counted in the statistics changed without a status change (a retry). */
  statisticsChanged(): void;
  /** Messages were deleted (retention, or a conversation deleted). */
  messagesDeleted(): void;
  /** A conversation was deleted: which, and (some of) its messages. */
  conversationDeleted(notice: ConversationDeletedNotice): void;
  /** The connection was lost and is back: notifications in between may be missing. */
  reconnected(): void;
}

export interface NotifyListener {
  readonly connected: boolean;
  close(): Promise<void>;
}

/** At most one warning about malformed payloads per this many milliseconds (a flood must not flood the log). */
const MALFORMED_WARNING_INTERVAL_MS = 60_000;

/** Logs a dropped payload's channel and issues (never its text), then at most once per interval, with a count. */
function malformedPayloadWarning(logger: Logger) {
  let lastAt = Number.NEGATIVE_INFINITY;
  let dropped = 0;
  return (channel: NotifyChannel, error: z.ZodError) => {
    dropped += 1;
    if (Date.now() - lastAt < MALFORMED_WARNING_INTERVAL_MS) return;
    lastAt = Date.now();
    const issues = error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
    logger.warn({ channel, dropped, issues }, 'dropped malformed notification payloads');
    dropped = 0;
  };
}

/** Payloads are parsed here, not by pg-listen (which reports what does not parse as a listener error). */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The publisher writes the message id first (delta-publisher.ts): read without parsing the text. */
const DELTA_MESSAGE_ID = /^\{"messageId":"([^"\\]{1,100})"/;

/** A delta of a message nobody here watches is dropped before it is parsed: most are, with several instances. */
function unwanted(payload: unknown, handlers: ListenerHandlers): boolean {
  if (typeof payload !== 'string') return false;
  const messageId = DELTA_MESSAGE_ID.exec(payload)?.[1];
  return messageId !== undefined && !handlers.wantsDeltasOf(messageId);
}

export async function startNotifyListener(options: {
  databaseUrl: string;
  logger: Logger;
  handlers: ListenerHandlers;
}): Promise<NotifyListener> {
  const { logger, handlers } = options;
  let closed = false;
  // What is heard goes to the handlers in the order heard, after the turn's other I/O (after-io.ts).
  const later = createAfterIoQueue((error) => logger.error({ err: error }, 'a notification handler failed'));
  const subscriber = createSubscriber(options.databaseUrl, () => closed);
  const connection = followConnection(subscriber, { logger, later, handlers, isClosed: () => closed });
  deliverNotifications(subscriber, { logger, later, handlers });
  const close = async () => {
    closed = true;
    await subscriber.close();
  };
  try {
    await subscriber.connect();
    // One at a time: pg clients do not take concurrent queries.
    for (const channel of NOTIFY_CHANNELS) await subscriber.listenTo(channel);
  } catch (error) {
    // Closed, or pg-listen would go on reconnecting a listener no one holds.
    await close().catch(() => undefined);
    throw error;
  }
  return {
    get connected() {
      return connection.connected;
    },
    close,
  };
}

function createSubscriber(databaseUrl: string, isClosed: () => boolean): Subscriber {
  // pg-listen is CommonJS with an `exports.default`: under ESM the function is `.default`.
  return pgListen.default(
    {
      connectionString: databaseUrl,
      application_name: 'medchat listener',
      // After a reconnect pg-listen re-sends every LISTEN at once (Promise.all); pg 8 warns about
      // queries sent while another runs (a DeprecationWarning on stderr) unless the client pipelines.
      pipeline: true,
    },
    {
      // Never give up: a database restart may take a while. Back off up to 2 s between attempts.
      retryLimit: Number.POSITIVE_INFINITY,
      retryTimeout: 0,
      retryInterval: (attempt) => {
        // pg-listen's reconnect loop does not look at close(): ending it here keeps a closed
        // listener from reconnecting (and holding the process) while the database is away.
        if (isClosed()) throw new Error('the notification listener is closed');
        return Math.min(2000, 100 * 2 ** attempt);
      },
      // Detects a connection that died silently (no FIN), e.g. a network partition.
      paranoidChecking: 10_000,
      parse: (text) => text,
    },
  );
}

interface Delivery {
  logger: Logger;
  later: (callback: () => void) => void;
  handlers: ListenerHandlers;
}

/** Whether the connection is up now; a reconnect is handed on (the relay re-sends what is watched). */
function followConnection(
  subscriber: Subscriber,
  { logger, later, handlers, isClosed }: Delivery & { isClosed: () => boolean },
): { readonly connected: boolean } {
  const state = { connected: false };
  let everConnected = false;
  subscriber.events.on('connected', () => {
    state.connected = true;
    if (everConnected) {
      logger.info('notification listener reconnected');
      later(() => handlers.reconnected());
    }
    everConnected = true;
  });
  subscriber.events.on('reconnect', (attempt) => {
    state.connected = false;
    if (attempt === 1) logger.warn('notification listener lost its connection; reconnecting');
  });
  subscriber.events.on('error', (error) => {
    if (!isClosed()) logger.error({ err: error }, 'notification listener error');
  });
  return state;
}

/** Every payload is validated with its channel's schema; a malformed one is dropped (and logged). */
function deliverNotifications(subscriber: Subscriber, { logger, later, handlers }: Delivery): void {
  const malformed = malformedPayloadWarning(logger);
  const on = <C extends NotifyChannel>(
    channel: C,
    deliver: (payload: z.infer<(typeof notifyPayloadSchemas)[C]>) => void,
  ) =>
    subscriber.notifications.on(channel, (text: unknown) => {
      if (channel === DELTA_CHANNEL && unwanted(text, handlers)) return;
      const payload = typeof text === 'string' ? parsePayload(text) : text;
      const parsed = notifyPayloadSchemas[channel].safeParse(payload);
      if (parsed.success) later(() => deliver(parsed.data as z.infer<(typeof notifyPayloadSchemas)[C]>));
      else malformed(channel, parsed.error);
    });
  on(STATUS_CHANNEL, (notification) => handlers.status(notification));
  on(DELTA_CHANNEL, (event) => handlers.delta(event));
  on(DELTA_WANTED_CHANNEL, ({ messageId, instanceId }) => handlers.deltaWanted(messageId, instanceId));
  on(INSTANCES_CHANNEL, () => handlers.instancesChanged());
  on(DELETED_CHANNEL, () => handlers.messagesDeleted());
  on(CONVERSATION_DELETED_CHANNEL, (notice) => handlers.conversationDeleted(notice));
  on(STATISTICS_CHANNEL, () => handlers.statisticsChanged());
}
