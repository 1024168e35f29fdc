/**
 * The instance's one LISTEN connection (pg-listen). It reconnects by itself, forever, and says
 * so, so that the relay can re-send the state of every watched message (no terminal state lost).
 */
import pgListen, { type Subscriber } from 'pg-listen';
import type { Logger } from 'pino';
import type { UrgentSource } from '../../shared/rest.js';
import type { MessageDeltaEvent } from '../../shared/socket-events.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../../shared/status.js';

import { DELETED_CHANNEL, DELTA_CHANNEL, INSTANCES_CHANNEL, STATUS_CHANNEL } from '../db/channels.js';
import { createAfterIoQueue } from './after-io.js';

/** A retry was counted (db/006_statistics_notifications.sql): the statistics changed, no status did. */
export const STATISTICS_CHANNEL = 'statistics_changed';

/** What the trigger in db/002_notify.sql sends. */
export interface StatusNotification {
  id: string;
  status: MessageStatus;
  response?: string | null;
  error?: string | null;
  /** The text did not fit in a NOTIFY payload: fetch the row. */
  truncated?: boolean;
  conversationId?: string;
  cancelled?: boolean;
  urgent?: boolean;
  urgentAdvice?: string;
  urgentSource?: UrgentSource;
  /** When the database sent it (ms since the epoch). */
  sentAt?: number;
}

export interface ListenerHandlers {
  status(notification: StatusNotification): void;
  delta(event: MessageDeltaEvent): void;
  instancesChanged(): void;
  /** Something counted in the statistics changed without a status change (a retry). */
  statisticsChanged(): void;
  /** Messages were deleted (retention). */
  messagesDeleted(): void;
  /** The connection was lost and is back: notifications in between may be missing. */
  reconnected(): void;
}

export interface NotifyListener {
  readonly connected: boolean;
  close(): Promise<void>;
}

const STATUSES = new Set<string>(MESSAGE_STATUSES);

function isStatusNotification(value: unknown): value is StatusNotification {
  const v = value as StatusNotification | null;
  return typeof v?.id === 'string' && STATUSES.has(v.status);
}

function isDeltaEvent(value: unknown): value is MessageDeltaEvent {
  const v = value as MessageDeltaEvent | null;
  return typeof v?.messageId === 'string' && Number.isInteger(v.seq) && typeof v.text === 'string';
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
  // pg-listen is CommonJS with an `exports.default`: under ESM the function is `.default`.
  const subscriber: Subscriber = pgListen.default(
    {
      connectionString: options.databaseUrl,
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
        if (closed) throw new Error('the notification listener is closed');
        return Math.min(2000, 100 * 2 ** attempt);
      },
      // Detects a connection that died silently (no FIN), e.g. a network partition.
      paranoidChecking: 10_000,
    },
  );
  let connected = false;
  let everConnected = false;
  subscriber.events.on('connected', () => {
    connected = true;
    if (everConnected) {
      logger.info('notification listener reconnected');
      later(() => handlers.reconnected());
    }
    everConnected = true;
  });
  subscriber.events.on('reconnect', (attempt) => {
    connected = false;
    if (attempt === 1) logger.warn('notification listener lost its connection; reconnecting');
  });
  subscriber.events.on('error', (error) => {
    if (!closed) logger.error({ err: error }, 'notification listener error');
  });
  subscriber.notifications.on(STATUS_CHANNEL, (payload: unknown) => {
    if (isStatusNotification(payload)) later(() => handlers.status(payload));
  });
  subscriber.notifications.on(DELTA_CHANNEL, (payload: unknown) => {
    if (isDeltaEvent(payload)) later(() => handlers.delta(payload));
  });
  subscriber.notifications.on(INSTANCES_CHANNEL, () => later(() => handlers.instancesChanged()));
  subscriber.notifications.on(DELETED_CHANNEL, () => later(() => handlers.messagesDeleted()));
  subscriber.notifications.on(STATISTICS_CHANNEL, () => later(() => handlers.statisticsChanged()));

  await subscriber.connect();
  // One at a time: pg clients do not take concurrent queries.
  for (const channel of [STATUS_CHANNEL, DELTA_CHANNEL, INSTANCES_CHANNEL, DELETED_CHANNEL, STATISTICS_CHANNEL])
    await subscriber.listenTo(channel);
  return {
    get connected() {
      return connected;
    },
    close: async () => {
      closed = true;
      await subscriber.close();
    },
  };
}
