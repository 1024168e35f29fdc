/** Limits that both ends must agree on. Server-side values may be lowered by configuration. */
export const DEFAULT_MAX_QUESTION_CHARS = 4000;
/** Largest JSON body the REST API accepts (bigger → 413). */
export const MAX_JSON_BODY_BYTES = 64 * 1024;
/**
 * The highest MAX_QUESTION_CHARS allowed: a question that long always fits in a JSON body, even
 * when every character is escaped (\u0001 takes six bytes).
 */
export const MAX_QUESTION_CHARS_LIMIT = 10_000;
/** PostgreSQL's NOTIFY payload limit; larger answers are fetched by id. */
export const NOTIFY_PAYLOAD_LIMIT_BYTES = 8000;
