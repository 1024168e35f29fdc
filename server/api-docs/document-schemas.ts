/**
 * What the documents call the shared schemas (their component names, the same in the OpenAPI and
 * AsyncAPI documents), and what they say of a schema beyond what JSON Schema can carry.
 */
import type { z } from 'zod';
import { messageDeltaEventSchema, serverEventSchemas, sseEventSchemas } from '../../shared/socket-events.js';
import { type JsonSchema, pascalCase, SchemaNames } from './json-schema.js';
import { ANSWER_SCHEMAS } from './rest-operations.js';

export function documentSchemaNames(): SchemaNames {
  const names = new SchemaNames();
  for (const [name, schema] of Object.entries(ANSWER_SCHEMAS)) names.name(schema, name);
  names.name(sseEventSchemas.status, 'MessageCurrentState');
  names.name(serverEventSchemas['message:status'], 'MessageStatusEvent');
  names.name(messageDeltaEventSchema, 'MessageDeltaEvent');
  return names;
}

/** The two SSE streams. */
export type SseStream = 'message' | 'statistics';

/** The SSE events of a stream: `stats` on GET /api/statistics/stream, every other on a message's stream. */
export function sseEventsOf(stream: SseStream): string[] {
  return Object.keys(sseEventSchemas).filter((event) => (event === 'stats') === (stream === 'statistics'));
}

/** An event's payload schema, named (`conversation:deleted` → `ConversationDeletedEvent` unless known). */
export function nameEventSchema(names: SchemaNames, event: string, schema: z.ZodType): string {
  return names.name(schema, `${pascalCase(event)}Event`);
}

/**
 * The question's bounds are zod refinements (code, counted in code points after trimming), which
 * JSON Schema cannot carry; `maxLength` counts code points too. Said here, on the converted object.
 */
export function describeQuestion(askObject: JsonSchema | undefined, maxQuestionChars: number): void {
  const question = (askObject?.properties as Record<string, JsonSchema> | undefined)?.question;
  if (!question) throw new Error('the ask schema has no question property');
  Object.assign(question, {
    minLength: 1,
    maxLength: maxQuestionChars,
    description: `Trimmed, then 1 to ${maxQuestionChars} characters (Unicode code points), no NUL character.`,
  });
}
