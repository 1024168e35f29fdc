/**
 * The REST routes as data, one entry per method and path, from which the OpenAPI document is
 * made. The bodies are the shared schemas (shared/rest.ts), by component name. A route added to
 * the app without an entry here fails test/unit/api-documents.test.ts.
 *
 * Only what a route itself answers is listed; what the chain answers before or around it
 * (401 tokens, 400/413/415 bodies, 500, 503 database away) is added by openapi.ts.
 */
import {
  askResponseSchema,
  cancelResponseSchema,
  conversationExportSchema,
  conversationIdSchema,
  conversationSchema,
  errorBodySchema,
  healthSchema,
  messageIdSchema,
  messageStateSchema,
  statisticsSchema,
} from '../../shared/rest.js';
import type { SseStream } from './document-schemas.js';

/** The schemas of answers and parameters, by the name they have in the document. */
export const ANSWER_SCHEMAS = {
  MessageId: messageIdSchema,
  ConversationId: conversationIdSchema,
  AskResponse: askResponseSchema,
  MessageState: messageStateSchema,
  CancelResponse: cancelResponseSchema,
  Conversation: conversationSchema,
  ConversationExport: conversationExportSchema,
  Statistics: statisticsSchema,
  Health: healthSchema,
  Error: errorBodySchema,
};
export type AnswerSchemaName = keyof typeof ANSWER_SCHEMAS;

/** Request bodies; their schema depends on the service's settings (openapi.ts makes them). */
export type RequestSchemaName = 'AskRequest';
/** Query strings, by the name openapi.ts knows their schema by. */
export type QuerySchemaName = 'ConversationExportQuery';

export type ResponseHeaderName = 'Retry-After' | 'Idempotent-Replayed' | 'Content-Disposition' | 'Cache-Control';

export interface Answer {
  description: string;
  /** An application/json body; every answer of 400 and up is `Error` unless said otherwise. */
  json?: AnswerSchemaName;
  /** A Server-Sent Events stream: its events are those of sseEventSchemas on that stream. */
  events?: SseStream;
  /** Another media type, with what it holds. */
  text?: { mediaType: string; description: string };
  headers?: readonly ResponseHeaderName[];
}

export interface RestOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As OpenAPI writes it: `/api/chat/{messageId}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  /** Path parameters: a schema of the document, or any text. */
  params?: Readonly<Record<string, AnswerSchemaName | 'text'>>;
  /** Its query parameters: the properties of this schema. */
  query?: QuerySchemaName;
  body?: { schema: RequestSchemaName; example: unknown };
  /** Takes an Idempotency-Key request header. */
  idempotencyKey?: boolean;
  /** Reads the database: 503 (Retry-After) while it is away. */
  database: boolean;
  /** By status; a string is an `Error` body with that meaning. */
  responses: Readonly<Record<number, Answer | string>>;
}

export const TAGS = [
  { name: 'Questions', description: 'Ask, follow and cancel.' },
  { name: 'Conversations', description: 'A conversation: its questions and answers.' },
  {
    name: 'Live',
    description:
      'Server-Sent Events, for clients without Socket.IO. The events and the Socket.IO API are described in /api/asyncapi.json.',
  },
  { name: 'Operations', description: 'Statistics, health and metrics.' },
  { name: 'API description', description: 'These documents and the reference page.' },
] as const;

const malformedMessageId = 'The messageId is not a UUID.';
const unknownMessage = 'No message with that id.';
const malformedConversationId = 'The conversationId is not a UUID.';
const unknownConversation = 'No conversation with that id.';

const QUESTIONS: RestOperation[] = [
  {
    method: 'post',
    path: '/api/chat',
    operationId: 'askQuestion',
    tag: 'Questions',
    summary: 'Ask a question',
    description:
      'Stores the question and queues it for the model; follow it with GET /api/chat/{messageId}, its event stream or Socket.IO. Without `conversationId` a new conversation starts. The same `Idempotency-Key` within 24 hours returns the same message and writes nothing. A question that describes an emergency is marked `urgent` at once. Nothing is written when a request fails.',
    body: { schema: 'AskRequest', example: { question: 'What helps against a tension headache?' } },
    idempotencyKey: true,
    database: true,
    responses: {
      202: {
        description: 'Accepted: the message is stored and queued.',
        json: 'AskResponse',
        headers: ['Idempotent-Replayed'],
      },
      400: 'The question is missing, empty, not a string or too long; or conversationId or Idempotency-Key is malformed.',
      404: 'No conversation with that conversationId.',
      415: 'The body is not JSON (send Content-Type: application/json).',
      422: 'The Idempotency-Key was used for a different question or conversation.',
      429: {
        description: 'Too many questions from this address; try again after Retry-After seconds.',
        headers: ['Retry-After'],
      },
      503: { description: 'The queue is full; try again after Retry-After seconds.', headers: ['Retry-After'] },
    },
  },
  {
    method: 'get',
    path: '/api/chat/{messageId}',
    operationId: 'getMessage',
    tag: 'Questions',
    summary: 'A message’s state',
    description:
      'One of four shapes: `{status: "pending"}`, `{status: "processing"}`, `{status: "completed", response}` or `{status: "failed", error}` (a cancelled message is failed with `error: "cancelled"` and `cancelled: true`).',
    params: { messageId: 'MessageId' },
    database: true,
    responses: {
      200: { description: 'The message’s state.', json: 'MessageState' },
      400: malformedMessageId,
      404: unknownMessage,
    },
  },
  {
    method: 'post',
    path: '/api/chat/{messageId}/cancel',
    operationId: 'cancelMessage',
    tag: 'Questions',
    summary: 'Cancel a message',
    description:
      'Cancels a pending or processing message; a running model call is aborted on whichever instance runs it.',
    params: { messageId: 'MessageId' },
    database: true,
    responses: {
      200: { description: 'Cancelled.', json: 'CancelResponse' },
      400: malformedMessageId,
      404: unknownMessage,
      409: 'The message has already finished (completed or failed).',
    },
  },
];

const LIVE: RestOperation[] = [
  {
    method: 'get',
    path: '/api/chat/{messageId}/events',
    operationId: 'streamMessage',
    tag: 'Live',
    summary: 'A message’s events, as Server-Sent Events',
    description:
      'The current state first (`status`, with the text so far while it is being answered), then `delta` and `status` events; the stream ends after `completed` or `failed`, or with `deleted` when its conversation is deleted. Refusals are plain JSON, not a stream.',
    params: { messageId: 'MessageId' },
    database: true,
    responses: {
      200: { description: 'The event stream.', events: 'message' },
      400: malformedMessageId,
      404: unknownMessage,
    },
  },
  {
    method: 'get',
    path: '/api/statistics/stream',
    operationId: 'streamStatistics',
    tag: 'Live',
    summary: 'Statistics, as Server-Sent Events',
    description: 'A `stats` event at once and whenever the statistics change (as the /monitor namespace).',
    database: true,
    responses: { 200: { description: 'The event stream.', events: 'statistics' } },
  },
];

const CONVERSATIONS: RestOperation[] = [
  {
    method: 'get',
    path: '/api/conversations/{conversationId}',
    operationId: 'getConversation',
    tag: 'Conversations',
    summary: 'A conversation',
    description: 'Its messages in the order they were asked, each with its question and state.',
    params: { conversationId: 'ConversationId' },
    database: true,
    responses: {
      200: { description: 'The conversation.', json: 'Conversation' },
      400: malformedConversationId,
      404: unknownConversation,
    },
  },
  {
    method: 'get',
    path: '/api/conversations/{conversationId}/export',
    operationId: 'exportConversation',
    tag: 'Conversations',
    summary: 'Export a conversation (a file to keep)',
    description:
      'The whole conversation (questions, answers, times, urgent flags and the not-medical-advice notice) as a download: JSON (`format=json`, the default) or Markdown (`format=markdown`).',
    params: { conversationId: 'ConversationId' },
    query: 'ConversationExportQuery',
    database: true,
    responses: {
      200: {
        description: 'The export, as an attachment (Content-Disposition).',
        json: 'ConversationExport',
        text: { mediaType: 'text/markdown', description: 'The same conversation in Markdown (format=markdown).' },
        headers: ['Content-Disposition', 'Cache-Control'],
      },
      400: 'The conversationId is not a UUID, or format is neither json nor markdown.',
      404: unknownConversation,
    },
  },
  {
    method: 'delete',
    path: '/api/conversations/{conversationId}',
    operationId: 'deleteConversation',
    tag: 'Conversations',
    summary: 'Delete a conversation',
    description:
      'Erases its messages (texts and rows) and idempotency keys; an answer in progress is stopped. Sockets following one of its messages get `conversation:deleted`, and its messages’ event streams end with `deleted`. The statistics keep their counts.',
    params: { conversationId: 'ConversationId' },
    database: true,
    responses: {
      204: { description: 'Deleted (no body).' },
      400: malformedConversationId,
      404: unknownConversation,
    },
  },
];

const OPERATIONS: RestOperation[] = [
  {
    method: 'get',
    path: '/api/statistics',
    operationId: 'getStatistics',
    tag: 'Operations',
    summary: 'Statistics',
    description: 'Global across all instances, derived from the database, correct after restarts.',
    database: true,
    responses: { 200: { description: 'The statistics.', json: 'Statistics' } },
  },
  {
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    tag: 'Operations',
    summary: 'Health',
    description: 'For load balancers: 503 while the database is unreachable or the instance is shutting down.',
    database: false,
    responses: {
      200: { description: 'Serving.', json: 'Health' },
      503: {
        description: 'Not serving: the database is unreachable, or the instance is shutting down.',
        json: 'Health',
      },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description: 'Request counts and durations, queue, workers, providers, retries, sockets, relay lag, process.',
    database: false,
    responses: {
      200: {
        description: 'The metrics.',
        text: { mediaType: 'text/plain', description: 'Prometheus text exposition format 0.0.4.' },
      },
    },
  },
];

const DOCUMENTS: RestOperation[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'API description',
    summary: 'This document (OpenAPI 3.1)',
    description: 'The REST API, generated from the shared zod schemas.',
    database: false,
    responses: {
      200: {
        description: 'The OpenAPI document.',
        text: { mediaType: 'application/json', description: 'OpenAPI 3.1.' },
      },
    },
  },
  {
    method: 'get',
    path: '/api/asyncapi.json',
    operationId: 'getAsyncApiDocument',
    tag: 'API description',
    summary: 'The live API (AsyncAPI 3.0)',
    description: 'The Socket.IO namespaces / and /monitor and the Server-Sent Events streams.',
    database: false,
    responses: {
      200: {
        description: 'The AsyncAPI document.',
        text: { mediaType: 'application/json', description: 'AsyncAPI 3.0.' },
      },
    },
  },
  {
    method: 'get',
    path: '/api/docs',
    operationId: 'getReferencePage',
    tag: 'API description',
    summary: 'The reference page',
    description: 'This API, browsable.',
    database: false,
    responses: { 200: { description: 'The page.', text: { mediaType: 'text/html', description: 'HTML.' } } },
  },
  {
    method: 'get',
    path: '/api/docs/{file}',
    operationId: 'getReferencePageFile',
    tag: 'API description',
    summary: 'A script or style sheet of the reference page',
    description: 'Served from the npm package the page is built with.',
    params: { file: 'text' },
    database: false,
    responses: {
      200: { description: 'The file.', text: { mediaType: 'application/octet-stream', description: 'The file.' } },
      404: 'No such file.',
    },
  },
];

export const REST_OPERATIONS: readonly RestOperation[] = [
  ...QUESTIONS,
  ...CONVERSATIONS,
  ...LIVE,
  ...OPERATIONS,
  ...DOCUMENTS,
];
