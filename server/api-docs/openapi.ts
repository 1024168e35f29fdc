/**
 * The OpenAPI 3.1 document of the REST API, made from the route table (rest-operations.ts) and
 * the shared zod schemas. What the HTTP chain answers around every route (tokens, bodies,
 * faults, the database away) is added here, so each operation lists every status it can answer.
 */
import { MAX_JSON_BODY_BYTES } from '../../shared/limits.js';
import { type AccessRule, securityOf, securitySchemes, type TokenKind } from './access.js';
import { type SseStream, sseEventsOf } from './document-schemas.js';
import { HEADERS, PARAMETERS, queryParameters, SCHEMAS, schemaComponents } from './openapi-components.js';
import { type Answer, REST_OPERATIONS, type ResponseHeaderName, type RestOperation, TAGS } from './rest-operations.js';

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: Record<string, Record<string, unknown>>;
};

export interface OpenApiOptions {
  /** The longest question this service takes (MAX_QUESTION_CHARS). */
  maxQuestionChars: number;
  /** Which token each path needs (auth.ts's rule, handed in). */
  access: AccessRule;
  version: string;
}

/** SSE event name → the component name of its schema. */
type EventSchemas = ReadonlyMap<string, string>;

const ref = (component: string, name: string) => ({ $ref: `#/components/${component}/${name}` });

/** What the chain answers, for any path under /api (json-body.ts, errors.ts). */
const BODY_REFUSED = 'The request body is not valid JSON, or a text in it contains a NUL character.';
const BODY_TOO_LARGE = `The request body is over ${MAX_JSON_BODY_BYTES / 1024} KiB.`;
const BODY_NOT_UTF8 = 'The request body is JSON in another charset than UTF-8, or compressed in an unknown way.';
const DATABASE_AWAY = 'The database is unavailable; try again after Retry-After seconds.';
const FAULT = 'Internal server error (a fault of the service; it is logged).';
const NO_ROUTE = 'No route for this method and path.';

function response(answer: Answer, status: number, events: EventSchemas): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  if (answer.json || (status >= 400 && !answer.text && !answer.events)) {
    content['application/json'] = { schema: { $ref: `${SCHEMAS}${answer.json ?? 'Error'}` } };
  }
  if (answer.events) content['text/event-stream'] = eventStream(answer.events, events);
  if (answer.text)
    content[answer.text.mediaType] = { schema: { type: 'string', description: answer.text.description } };
  const named: Array<ResponseHeaderName | 'X-Request-Id' | 'WWW-Authenticate'> = [
    'X-Request-Id',
    ...(answer.headers ?? []),
  ];
  if (status === 401) named.push('WWW-Authenticate');
  return {
    description: answer.description,
    headers: Object.fromEntries(named.map((name) => [name, ref('headers', name)])),
    ...(Object.keys(content).length > 0 && { content }),
  };
}

/** OpenAPI 3.1 cannot type a stream's events: `x-events` names their schemas (the AsyncAPI document has them too). */
function eventStream(stream: SseStream, events: EventSchemas): Record<string, unknown> {
  const names = sseEventsOf(stream);
  const refs = names.map((name) => {
    const component = events.get(name);
    if (!component) throw new Error(`no Server-Sent Event named ${name} in sseEventSchemas`);
    return [name, { $ref: `${SCHEMAS}${component}` }];
  });
  return {
    schema: { type: 'string', description: `Server-Sent Events: ${names.map((e) => `\`${e}\``).join(', ')}.` },
    'x-events': Object.fromEntries(refs),
  };
}

/** One status: the route's own meaning first, the chain's after it. */
function merge(answers: Map<number, Answer>, status: number, chain: Answer): void {
  const own = answers.get(status);
  if (!own) {
    answers.set(status, chain);
    return;
  }
  const headers = [...new Set([...(own.headers ?? []), ...(chain.headers ?? [])])];
  const description = `${own.description} Or: ${chain.description[0]?.toLowerCase()}${chain.description.slice(1)}`;
  answers.set(status, { ...own, description, headers });
}

function answersOf(operation: RestOperation, token: TokenKind | undefined): Array<[number, Answer]> {
  const answers = new Map<number, Answer>();
  for (const [status, answer] of Object.entries(operation.responses)) {
    answers.set(Number(status), typeof answer === 'string' ? { description: answer } : answer);
  }
  if (operation.path.startsWith('/api/')) {
    merge(answers, 400, { description: BODY_REFUSED });
    merge(answers, 413, { description: BODY_TOO_LARGE });
    merge(answers, 415, { description: BODY_NOT_UTF8 });
  }
  if (token) merge(answers, 401, { description: `A valid ${token} token is required.` });
  if (operation.database) merge(answers, 503, { description: DATABASE_AWAY, headers: ['Retry-After'] });
  merge(answers, 500, { description: FAULT });
  return [...answers].sort(([a], [b]) => a - b);
}

function parametersOf(operation: RestOperation): unknown[] {
  const parameters: unknown[] = Object.entries(operation.params ?? {}).map(([name, schema]) => ({
    name,
    in: 'path',
    required: true,
    schema: schema === 'text' ? { type: 'string' } : { $ref: `${SCHEMAS}${schema}` },
  }));
  if (operation.query) parameters.push(...queryParameters(operation.query));
  if (operation.idempotencyKey) parameters.push(ref('parameters', 'IdempotencyKey'));
  parameters.push(ref('parameters', 'RequestId'));
  return parameters;
}

function operationObject(operation: RestOperation, access: AccessRule, events: EventSchemas) {
  const rule = access(operation.path);
  const answers = answersOf(operation, rule?.kind);
  const body = operation.body;
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: operation.description,
    parameters: parametersOf(operation),
    ...(body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: `${SCHEMAS}${body.schema}` }, example: body.example } },
      },
    }),
    responses: Object.fromEntries(
      answers.map(([status, answer]) => [String(status), response(answer, status, events)]),
    ),
    ...(rule && { security: securityOf(rule) }),
  };
}

/**
 * What a request that matches no operation may be answered, before or instead of a route (a
 * token, a body, no route at all): the document's `x-unrouted-responses`.
 */
function unroutedResponses(access: AccessRule, events: EventSchemas): Record<string, unknown> {
  const answers: Record<number, string> = {
    400: BODY_REFUSED,
    404: NO_ROUTE,
    413: BODY_TOO_LARGE,
    415: BODY_NOT_UTF8,
    500: FAULT,
  };
  const token = access('/api/any')?.kind;
  if (token) answers[401] = `A valid ${token} token is required.`;
  const entries = Object.entries(answers).map(([status, description]) => [
    status,
    response({ description }, Number(status), events),
  ]);
  return Object.fromEntries(entries);
}

export function openApiDocument(options: OpenApiOptions, operations = REST_OPERATIONS): OpenApiDocument {
  const { schemas, events } = schemaComponents(options.maxQuestionChars);
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of operations) {
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method]: operationObject(operation, options.access, events),
    };
  }
  const schemes = securitySchemes(operations.map((operation) => options.access(operation.path)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'MedChat API',
      version: options.version,
      description:
        'Medical questions answered by a language model: ask, follow the answer (REST, Server-Sent Events; Socket.IO in [/api/asyncapi.json](/api/asyncapi.json)), export or delete a conversation, statistics. Every error is JSON `{"error": "…"}`. MedChat gives general health information, not medical advice.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: TAGS.map((tag) => ({ ...tag })),
    paths,
    components: {
      schemas,
      parameters: PARAMETERS,
      headers: HEADERS,
      ...(Object.keys(schemes).length > 0 && { securitySchemes: schemes }),
    },
    'x-unrouted-responses': unroutedResponses(options.access, events),
  };
}
