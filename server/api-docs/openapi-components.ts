/**
 * The OpenAPI document's components: the shared schemas as JSON Schema 2020-12 (answers as the
 * server sends them, requests as a client sends them), and the headers and parameters that matter.
 */
import { z } from 'zod';
import { askRequestSchema, conversationExportQuerySchema, idempotencyKeySchema } from '../../shared/rest.js';
import { sseEventSchemas } from '../../shared/socket-events.js';
import { describeQuestion, documentSchemaNames, nameEventSchema } from './document-schemas.js';
import { componentSchemas, type JsonSchema } from './json-schema.js';
import type { QuerySchemaName } from './rest-operations.js';

export const SCHEMAS = '#/components/schemas/';

export interface SchemaComponents {
  schemas: Record<string, JsonSchema>;
  /** SSE event name → the component name of its schema. */
  events: ReadonlyMap<string, string>;
}

export function schemaComponents(maxQuestionChars: number): SchemaComponents {
  const names = documentSchemaNames();
  const events = new Map<string, string>();
  for (const [event, schema] of Object.entries(sseEventSchemas)) {
    events.set(event, nameEventSchema(names, event, schema));
  }
  const output = componentSchemas(names.named, { target: 'draft-2020-12', io: 'output', refPrefix: SCHEMAS });
  const requests = new Map<string, z.ZodType>([
    ['AskRequest', askRequestSchema(maxQuestionChars)],
    ['IdempotencyKey', idempotencyKeySchema('Idempotency-Key')],
  ]);
  const input = componentSchemas(requests, { target: 'draft-2020-12', io: 'input', refPrefix: SCHEMAS });
  describeQuestion(input.AskRequest, maxQuestionChars);
  return { schemas: { ...output, ...input }, events };
}

const QUERY_SCHEMAS: Record<QuerySchemaName, z.ZodObject> = {
  ConversationExportQuery: conversationExportQuerySchema,
};

/** A query schema's properties as query parameters (as the client sends them: defaults apply). */
export function queryParameters(name: QuerySchemaName): unknown[] {
  const schema = z.toJSONSchema(QUERY_SCHEMAS[name], { target: 'draft-2020-12', io: 'input' });
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(schema.properties ?? {}).map(([property, propertySchema]) => ({
    name: property,
    in: 'query',
    required: required.has(property),
    schema: propertySchema,
  }));
}

export const HEADERS = {
  'X-Request-Id': {
    description: 'This request’s id, as in the service’s logs: the X-Request-Id sent, if well-formed, or a new one.',
    required: true,
    schema: { type: 'string' },
  },
  'Retry-After': { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'integer' } },
  'Idempotent-Replayed': {
    description: 'Present when an earlier request with the same Idempotency-Key created the message.',
    schema: { type: 'string', const: 'true' },
  },
  'WWW-Authenticate': { description: 'Bearer.', required: true, schema: { type: 'string', const: 'Bearer' } },
  'Content-Disposition': {
    description: 'An attachment, with its file name.',
    required: true,
    schema: { type: 'string', pattern: '^attachment' },
  },
  'Cache-Control': {
    description: 'no-store: kept by no cache on the way.',
    required: true,
    schema: { type: 'string' },
  },
};

export const PARAMETERS = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    description:
      'Makes a retry safe: the same key within 24 hours (also as the socket `ask`’s idempotencyKey) answers the same message, and nothing new is written.',
    schema: { $ref: `${SCHEMAS}IdempotencyKey` },
  },
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    description: 'An id for this request (letters, digits, `.`, `_`, `:`, `-`; at most 100), kept and sent back.',
    schema: { type: 'string' },
  },
};
