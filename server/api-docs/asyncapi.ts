/**
 * The AsyncAPI 3.0 document of the live API: the Socket.IO namespaces `/` and `/monitor` and the
 * Server-Sent Events streams. Its events are the shared event maps (shared/socket-events.ts),
 * read here, so an event added there is in the document with its schema.
 *
 * AsyncAPI describes the application (the server): it `receive`s what clients emit (with a
 * `reply`, the Socket.IO acknowledgement) and `send`s its events.
 */
import type { z } from 'zod';
import {
  ackSchemas,
  askPayloadSchema,
  type ClientToServerEvents,
  MONITOR_NAMESPACE,
  monitorEventSchemas,
  serverEventSchemas,
  sseEventSchemas,
  subscribePayloadSchema,
} from '../../shared/socket-events.js';
import type { AccessRule, PathAccess } from './access.js';
import { describeQuestion, documentSchemaNames, nameEventSchema, sseEventsOf } from './document-schemas.js';
import { componentSchemas, pascalCase, SchemaNames } from './json-schema.js';

export type AsyncApiDocument = Record<string, unknown> & {
  channels: Record<string, Channel>;
  operations: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
};

interface Channel {
  address: string;
  title: string;
  description?: string;
  servers: Array<{ $ref: string }>;
  parameters?: Record<string, { description: string }>;
  messages: Record<string, { $ref: string }>;
}

export interface AsyncApiOptions {
  maxQuestionChars: number;
  /** Which token each HTTP path needs (auth.ts's rule); the namespaces take the same as their REST peers. */
  access: AccessRule;
  version: string;
}

const SCHEMAS = '#/components/schemas/';
type SseEvent = keyof typeof sseEventSchemas;

/** What a client emits on `/`, by event (every ClientToServerEvents event, with its ack in ackSchemas). */
function clientPayloads(maxQuestionChars: number) {
  return {
    ask: askPayloadSchema(maxQuestionChars),
    subscribe: subscribePayloadSchema,
    unsubscribe: subscribePayloadSchema,
  } satisfies Record<keyof ClientToServerEvents, z.ZodType>;
}

/** The paths whose token rules the document follows: `/` as REST, `/monitor` as the monitoring routes. */
const ACCESS_PATHS = {
  chat: '/api/chat',
  monitor: '/api/statistics/stream',
  messageEvents: '/api/chat/{messageId}/events',
};

/** What clients send is described as they send it (zod's input), what the server sends as it sends it. */
interface Names {
  input: SchemaNames;
  output: SchemaNames;
}

interface Built {
  messages: Record<string, Record<string, unknown>>;
  channels: Record<string, Channel>;
  operations: Record<string, Record<string, unknown>>;
}

/** A message component for an event, and its key in its channel. */
function addMessage(built: Built, key: string, message: Record<string, unknown>): string {
  built.messages[key] = message;
  return key;
}

function channel(built: Built, id: string, fields: Omit<Channel, 'messages'>, keys: string[]): void {
  built.channels[id] = {
    ...fields,
    messages: Object.fromEntries(keys.map((key) => [key, { $ref: `#/components/messages/${key}` }])),
  };
}

const messageRef = (channelId: string, key: string) => ({ $ref: `#/channels/${channelId}/messages/${key}` });
const channelRef = (channelId: string) => ({ $ref: `#/channels/${channelId}` });

function security(access: PathAccess | undefined) {
  if (!access) return {};
  const schemes = [{ $ref: `#/components/securitySchemes/${access.kind === 'API' ? 'apiToken' : 'monitorToken'}` }];
  if (access.query) schemes.push({ $ref: '#/components/securitySchemes/accessTokenQuery' });
  return { security: schemes };
}

/** Namespace `/`: the client's requests with their acks, and the server's events. */
function chatNamespace(built: Built, names: Names, options: AsyncApiOptions): void {
  const keys: string[] = [];
  const payloads: Record<string, z.ZodType> = clientPayloads(options.maxQuestionChars);
  const access = security(options.access(ACCESS_PATHS.chat));
  for (const [event, ack] of Object.entries(ackSchemas)) {
    const payload = payloads[event];
    if (!payload) throw new Error(`no payload schema for the client event ${event}`);
    const request = addMessage(built, event, {
      name: event,
      title: `${event} (client → server)`,
      payload: { $ref: `${SCHEMAS}${names.input.name(payload, `${pascalCase(event)}Payload`)}` },
    });
    const answer = addMessage(built, `${event}Ack`, {
      name: `${event} ack`,
      title: `The acknowledgement of ${event}`,
      summary: 'The argument of the Socket.IO acknowledgement callback; `{error}` when refused.',
      payload: { $ref: `${SCHEMAS}${names.output.name(ack, `${pascalCase(event)}Ack`)}` },
    });
    keys.push(request, answer);
    built.operations[event] = {
      action: 'receive',
      channel: channelRef('chat'),
      summary: `A client emits \`${event}\` (with an acknowledgement callback).`,
      messages: [messageRef('chat', request)],
      reply: { channel: channelRef('chat'), messages: [messageRef('chat', answer)] },
      ...access,
    };
  }
  keys.push(...serverEvents(built, names.output, 'chat', serverEventSchemas, access));
  channel(
    built,
    'chat',
    { address: '/', title: 'Socket.IO, default namespace', servers: [{ $ref: '#/servers/socketio' }] },
    keys,
  );
}

/** Events the server emits on a channel: one `send` operation each. */
function serverEvents(
  built: Built,
  names: SchemaNames,
  channelId: string,
  events: Record<string, z.ZodType>,
  access: Record<string, unknown>,
): string[] {
  return Object.entries(events).map(([event, schema]) => {
    const key = addMessage(
      built,
      pascalCase(event).replace(/^./, (c) => c.toLowerCase()),
      {
        name: event,
        title: event,
        payload: { $ref: `${SCHEMAS}${nameEventSchema(names, event, schema)}` },
      },
    );
    built.operations[`${channelId}${pascalCase(event)}`] = {
      action: 'send',
      channel: channelRef(channelId),
      summary: `The server emits \`${event}\`.`,
      messages: [messageRef(channelId, key)],
      ...access,
    };
    return key;
  });
}

function monitorNamespace(built: Built, names: Names, options: AsyncApiOptions): void {
  const access = security(options.access(ACCESS_PATHS.monitor));
  const keys = serverEvents(built, names.output, 'monitor', monitorEventSchemas, access);
  const fields = {
    address: MONITOR_NAMESPACE,
    title: 'Socket.IO, monitoring namespace',
    description:
      'For dashboards: `stats` on connect and whenever they change; every message’s status. Clients send nothing.',
    servers: [{ $ref: '#/servers/socketio' }],
  };
  channel(built, 'monitor', fields, keys);
}

/** The two SSE streams; their messages are keyed `sse…` (their names overlap the sockets'). */
function sseStreams(built: Built, names: Names, options: AsyncApiOptions): void {
  const sseMessage = (event: string) =>
    addMessage(built, `sse${pascalCase(event)}`, {
      name: event,
      title: `${event} (Server-Sent Event)`,
      summary: `\`event: ${event}\`, its \`data:\` line this JSON.`,
      payload: { $ref: `${SCHEMAS}${nameEventSchema(names.output, event, sseEventSchemas[event as SseEvent])}` },
    });
  const streams = {
    messageEvents: { path: '/api/chat/{messageId}/events', keys: sseEventsOf('message').map(sseMessage) },
    statisticsStream: { path: '/api/statistics/stream', keys: sseEventsOf('statistics').map(sseMessage) },
  };
  for (const [id, { path, keys }] of Object.entries(streams)) {
    const parameters = path.includes('{messageId}')
      ? { parameters: { messageId: { description: 'The message’s id (a UUID).' } } }
      : {};
    channel(
      built,
      id,
      { address: path, title: 'Server-Sent Events (GET)', servers: [{ $ref: '#/servers/http' }], ...parameters },
      keys,
    );
    built.operations[id] = {
      action: 'send',
      channel: channelRef(id),
      summary: `Events of GET ${path} (text/event-stream).`,
      messages: keys.map((key) => messageRef(id, key)),
      ...security(options.access(path)),
    };
  }
}

function securitySchemes(options: AsyncApiOptions): Record<string, unknown> {
  const schemes: Record<string, unknown> = {};
  for (const path of Object.values(ACCESS_PATHS)) {
    const access = options.access(path);
    if (!access) continue;
    const setting = access.kind === 'API' ? 'API_TOKEN' : 'MONITOR_TOKEN';
    schemes[access.kind === 'API' ? 'apiToken' : 'monitorToken'] = {
      type: 'http',
      scheme: 'bearer',
      description: `The ${setting}: Socket.IO \`io(url, { auth: { token } })\`, or \`Authorization: Bearer <token>\`.`,
    };
    if (access.query) {
      schemes.accessTokenQuery = {
        type: 'httpApiKey',
        in: 'query',
        name: 'access_token',
        description: 'The token as `?access_token=`, for EventSource (the SSE streams only).',
      };
    }
  }
  return schemes;
}

function schemas(names: Names, maxQuestionChars: number): Record<string, unknown> {
  const input = componentSchemas(names.input.named, { target: 'draft-7', io: 'input', refPrefix: SCHEMAS });
  describeQuestion(input.AskPayload, maxQuestionChars);
  return { ...componentSchemas(names.output.named, { target: 'draft-7', io: 'output', refPrefix: SCHEMAS }), ...input };
}

/** The document; its `servers` are added per request (servers()), as the host the client used. */
export function asyncApiDocument(options: AsyncApiOptions): AsyncApiDocument {
  const names: Names = { input: new SchemaNames(), output: documentSchemaNames() };
  const built: Built = { messages: {}, channels: {}, operations: {} };
  chatNamespace(built, names, options);
  monitorNamespace(built, names, options);
  sseStreams(built, names, options);
  const schemes = securitySchemes(options);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'MedChat live API',
      version: options.version,
      description:
        'Live updates of questions and answers: Socket.IO 4 (namespaces `/` and `/monitor`) and Server-Sent Events. The REST API is in /api/openapi.json.',
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    servers: servers('localhost:8000', false),
    channels: built.channels,
    operations: built.operations,
    components: {
      schemas: schemas(names, options.maxQuestionChars),
      messages: built.messages,
      ...(Object.keys(schemes).length > 0 && { securitySchemes: schemes }),
    },
  };
}

/** The servers, at the host (and scheme) the document was fetched from. */
export function servers(host: string, secure: boolean): Record<string, unknown> {
  return {
    socketio: {
      host,
      protocol: secure ? 'wss' : 'ws',
      pathname: '/socket.io/',
      title: 'Socket.IO',
      description: 'Socket.IO 4 (Engine.IO 4: WebSocket, or HTTP long-polling first); `socket.io-client` speaks it.',
    },
    http: { host, protocol: secure ? 'https' : 'http', title: 'Server-Sent Events' },
  };
}
