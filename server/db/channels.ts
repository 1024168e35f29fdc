/** The NOTIFY channels: the database is the message bus (see db/002_notify.sql and after). */
export const STATUS_CHANNEL = 'message_status';
export const DELTA_CHANNEL = 'message_delta';
/** An instance watches a message answered elsewhere: the one answering it is to publish its deltas. */
export const DELTA_WANTED_CHANNEL = 'message_delta_wanted';
export const INSTANCES_CHANNEL = 'instances_changed';
export const DELETED_CHANNEL = 'messages_deleted';
/** A conversation was deleted (DELETE /api/conversations/:id): its id and its messages' ids. */
export const CONVERSATION_DELETED_CHANNEL = 'conversation_deleted';
/** A retry was counted (db/006_statistics_notifications.sql): the statistics changed, no status did. */
export const STATISTICS_CHANNEL = 'statistics_changed';
