/** Limits that both ends must agree on. Server-side values may be lowered by configuration. */
export const DEFAULT_MAX_QUESTION_CHARS = 4000;
/** Largest JSON body the REST API accepts (bigger → 413). */
export const MAX_JSON_BODY_BYTES = 64 * 1024;
/** PostgreSQL's NOTIFY payload limit; larger answers are fetched by id. */
export const NOTIFY_PAYLOAD_LIMIT_BYTES = 8000;
