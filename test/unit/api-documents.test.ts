/**
 * The API documents (issue 17): the OpenAPI 3.1 document passes a third-party validator and lists
 * every route the app has; the AsyncAPI 3.0 document passes the AsyncAPI parser and names every
 * event of the shared event maps; the answers check (test/helpers/openapi-conformance.ts) refuses
 * what the document does not say.
 */
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Router } from 'express';
import { describe, expect, it } from 'vitest';
import type { Tokens } from '../../server/access/tokens.js';
import type { AsyncApiDocument, OpenApiDocument } from '../../server/api-docs/index.js';
import { type AppDeps, createApp } from '../../server/http/app.js';
import { serviceDocuments } from '../../server/http/routes/api-docs.js';
import { sseRoutes } from '../../server/realtime/sse.js';
import {
  ackSchemas,
  MONITOR_NAMESPACE,
  monitorEventSchemas,
  serverEventSchemas,
  sseEventSchemas,
} from '../../shared/socket-events.js';
import { checkAgainstOpenApi } from '../helpers/openapi-conformance.js';

const TOKEN_SETTINGS = {
  'no tokens': { apiToken: undefined, monitorToken: undefined },
  'an API token': { apiToken: 'a'.repeat(24), monitorToken: undefined },
  'API and monitor tokens': { apiToken: 'a'.repeat(24), monitorToken: 'm'.repeat(24) },
} satisfies Record<string, Tokens>;

const documentsWith = (tokens: Tokens) => serviceDocuments({ maxQuestionChars: 4000, tokens });

/** The validator's complaints (it checks the shape against the OpenAPI 3.1 schemas, and that every $ref resolves). */
async function openApiProblems(document: unknown): Promise<unknown> {
  const { valid, errors } = await new Validator().validate(structuredClone(document) as Record<string, unknown>);
  return valid ? undefined : errors;
}

/** The method and path of every route the app registers, as OpenAPI writes them (`get /api/chat/{messageId}`). */
function appRoutes(): string[] {
  const deps = {
    maxQuestionChars: 4000,
    tokens: TOKEN_SETTINGS['no tokens'],
    corsOrigins: [],
    trustProxy: false,
    clientDir: '/nonexistent',
    isDraining: () => false,
    submit: {},
    extraRoutes: [sseRoutes({} as never)],
  } as unknown as AppDeps;
  type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const routes: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        // The web app's fallback (a regular expression) serves index.html; it is not the API.
        if (typeof layer.route.path !== 'string') continue;
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method} ${path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((createApp(deps) as unknown as { router: Router & { stack: Layer[] } }).router.stack);
  return [...new Set(routes)].sort();
}

function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
    .sort();
}

describe('the OpenAPI document', () => {
  for (const [setting, tokens] of Object.entries(TOKEN_SETTINGS)) {
    it(`passes a third-party OpenAPI 3.1 validator, with ${setting}`, async () => {
      const document = documentsWith(tokens).openApi();
      expect(document.openapi).toBe('3.1.0');
      expect(await openApiProblems(document)).toBeUndefined();
    });
  }

  it('is refused by that validator when broken (the check can fail)', async () => {
    const document = documentsWith(TOKEN_SETTINGS['no tokens']).openApi();
    const wrongStatus = structuredClone(document);
    const health = wrongStatus.paths['/health']?.get as { responses: Record<string, unknown> };
    health.responses.sometimes = { description: 'not a status code' };
    expect(await openApiProblems(wrongStatus)).toBeDefined();
    const danglingRef = structuredClone(document);
    delete (danglingRef.components.schemas as Record<string, unknown>).Health;
    expect(await openApiProblems(danglingRef)).toMatch(/resolve #\/components\/schemas\/Health/);
  });

  it('lists every route of the app, and no other', () => {
    const routes = appRoutes();
    expect(routes).toContain('delete /api/conversations/{conversationId}');
    expect(routes).toContain('get /api/chat/{messageId}/events');
    expect(documentedRoutes(documentsWith(TOKEN_SETTINGS['no tokens']).openApi())).toEqual(routes);
  });

  it('gives every answer of 400 and up a JSON body (the error body but for /health), and every answer X-Request-Id', () => {
    const document = documentsWith(TOKEN_SETTINGS['API and monitor tokens']).openApi();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const responses = operation.responses as Record<string, { content?: Json; headers: Json }>;
        for (const [status, answer] of Object.entries(responses)) {
          const where = `${method} ${path} ${status}`;
          expect(answer.headers['X-Request-Id'], where).toBeDefined();
          if (Number(status) >= 400) {
            const body = path === '/health' && status === '503' ? 'Health' : 'Error';
            expect(answer.content?.['application/json'], where).toEqual({
              schema: { $ref: `#/components/schemas/${body}` },
            });
          }
        }
        expect(Object.keys(responses), `${method} ${path}`).toContain('500');
      }
    }
  });

  it('documents the headers that matter where they are sent', () => {
    const { paths } = documentsWith(TOKEN_SETTINGS['an API token']).openApi();
    const ask = paths['/api/chat']?.post as { parameters: Json[]; responses: Record<string, { headers: Json }> };
    expect(ask.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(ask.parameters).toContainEqual({ $ref: '#/components/parameters/RequestId' });
    expect(Object.keys(ask.responses['202']?.headers ?? {})).toContain('Idempotent-Replayed');
    expect(Object.keys(ask.responses['429']?.headers ?? {})).toContain('Retry-After');
    expect(Object.keys(ask.responses['503']?.headers ?? {})).toContain('Retry-After');
    expect(Object.keys(ask.responses['401']?.headers ?? {})).toContain('WWW-Authenticate');
    const exported = paths['/api/conversations/{conversationId}/export']?.get as {
      responses: Record<string, { headers: Json; content: Json }>;
    };
    expect(Object.keys(exported.responses['200']?.headers ?? {})).toContain('Content-Disposition');
    expect(Object.keys(exported.responses['200']?.content ?? {})).toEqual(['application/json', 'text/markdown']);
  });

  it('asks for the bearer token where tokens apply, and for ?access_token= only on the SSE routes', () => {
    const open = documentsWith(TOKEN_SETTINGS['no tokens']).openApi();
    expect(open.components.securitySchemes).toBeUndefined();
    expect(JSON.stringify(open.paths)).not.toContain('"security"');
    expect(JSON.stringify(open.paths)).not.toContain('"401"');

    const { paths, components } = documentsWith(TOKEN_SETTINGS['API and monitor tokens']).openApi();
    expect(Object.keys(components.securitySchemes ?? {}).sort()).toEqual([
      'apiToken',
      'apiTokenQuery',
      'monitorToken',
      'monitorTokenQuery',
    ]);
    const security = (path: string) => (paths[path]?.get ?? paths[path]?.post)?.security;
    expect(security('/api/chat')).toEqual([{ apiToken: [] }]);
    expect(security('/api/chat/{messageId}/events')).toEqual([{ apiToken: [] }, { apiTokenQuery: [] }]);
    expect(security('/api/statistics/stream')).toEqual([{ monitorToken: [] }, { monitorTokenQuery: [] }]);
    expect(security('/metrics')).toEqual([{ monitorToken: [] }]);
    expect(security('/health')).toBeUndefined();
    // The API's description is open (auth.ts), so a browser can show the reference page.
    for (const path of ['/api/openapi.json', '/api/asyncapi.json', '/api/docs', '/api/docs/{file}']) {
      expect(security(path), path).toBeUndefined();
    }
    const queryTokenPaths = Object.keys(paths).filter((path) => JSON.stringify(paths[path]).includes('TokenQuery'));
    expect(queryTokenPaths.sort()).toEqual(['/api/chat/{messageId}/events', '/api/statistics/stream']);
  });

  it('names every Server-Sent Event on its stream, with its schema', () => {
    const { paths, components } = documentsWith(TOKEN_SETTINGS['no tokens']).openApi();
    type Stream = { responses: Record<string, { content: Record<string, Json> }> };
    const eventsOf = (path: string) => {
      const ok = (paths[path]?.get as Stream | undefined)?.responses['200'];
      return ok?.content['text/event-stream']?.['x-events'] as Record<string, { $ref: string }>;
    };
    const message = eventsOf('/api/chat/{messageId}/events');
    const statistics = eventsOf('/api/statistics/stream');
    expect(Object.keys(statistics)).toEqual(['stats']);
    expect([...Object.keys(message), ...Object.keys(statistics)].sort()).toEqual(Object.keys(sseEventSchemas).sort());
    for (const { $ref } of [...Object.values(message), ...Object.values(statistics)]) {
      expect(components.schemas?.[$ref.replace('#/components/schemas/', '')], $ref).toBeDefined();
    }
  });

  it('says how long a question may be, as the service is set', () => {
    const { components } = serviceDocuments({ maxQuestionChars: 123, tokens: TOKEN_SETTINGS['no tokens'] }).openApi();
    const ask = components.schemas?.AskRequest as { properties: { question: Json }; required: string[] };
    expect(ask.properties.question).toMatchObject({ type: 'string', minLength: 1, maxLength: 123 });
    expect(ask.required).toEqual(['question']);
  });
});

type Json = Record<string, unknown>;

describe('the answers check against the OpenAPI document', () => {
  const id = '0b6f3c1e-5c1e-4a2b-9c3d-1234567890ab';

  it('takes what the document says', () => {
    checkAgainstOpenApi('GET', `/api/chat/${id}`, 200, { status: 'completed', response: 'Rest.' });
    checkAgainstOpenApi('GET', `/API/Chat/${id}/`, 404, { error: 'No message with that id.' });
    checkAgainstOpenApi('PUT', '/api/nope', 404, { error: 'No route for PUT /api/nope' });
    checkAgainstOpenApi(
      'POST',
      '/api/chat',
      429,
      { error: 'Too many.' },
      new Headers({ 'Retry-After': '3', 'X-Request-Id': 'r' }),
    );
  });

  it('refuses an undocumented status, a body off the schema, a missing required header', () => {
    expect(() => checkAgainstOpenApi('GET', '/api/statistics', 404, { error: 'x' })).toThrow(/does not list/);
    expect(() => checkAgainstOpenApi('PUT', '/api/nope', 409, { error: 'x' })).toThrow(/does not list/);
    expect(() => checkAgainstOpenApi('GET', `/api/chat/${id}`, 200, { status: 'done' })).toThrow(/breaks the OpenAPI/);
    expect(() => checkAgainstOpenApi('GET', `/api/chat/${id}`, 400, { message: 'x' })).toThrow(/breaks the OpenAPI/);
    expect(() => checkAgainstOpenApi('GET', '/metrics', 200, {})).toThrow(/does not say it does/);
    expect(() =>
      checkAgainstOpenApi('POST', '/api/chat', 503, { error: 'full' }, new Headers({ 'X-Request-Id': 'r' })),
    ).toThrow(/lacks the header\(s\) Retry-After/);
  });
});

/** Each message's name in a channel, by channel address. */
function eventsByChannel(document: AsyncApiDocument): Map<string, string[]> {
  const messages = document.components.messages as Record<string, { name: string }>;
  const byAddress = new Map<string, string[]>();
  for (const channel of Object.values(document.channels)) {
    const names = Object.values(channel.messages).map(({ $ref }) => messages[$ref.split('/').pop() ?? '']?.name ?? '');
    byAddress.set(channel.address, names);
  }
  return byAddress;
}

describe('the AsyncAPI document', () => {
  const parser = new Parser();
  const errorsOf = async (document: unknown) => {
    const { diagnostics } = await parser.parse(JSON.stringify(document));
    // Severity 0 is an error; the rest are hints (such as "a newer AsyncAPI version exists").
    return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('/')}: ${d.message}`);
  };

  for (const [setting, tokens] of Object.entries(TOKEN_SETTINGS)) {
    it(`is parsed by the AsyncAPI parser without an error, with ${setting}`, async () => {
      const document = documentsWith(tokens).asyncApi();
      expect(document.asyncapi).toBe('3.0.0');
      expect(await errorsOf(document)).toEqual([]);
    }, 30_000);
  }

  it('is refused by the parser when broken (the check can fail)', async () => {
    const broken = structuredClone(documentsWith(TOKEN_SETTINGS['no tokens']).asyncApi());
    (broken.operations.ask as Json).action = 'publish';
    expect(await errorsOf(broken)).not.toEqual([]);
  }, 30_000);

  it('names every event of the shared event maps, on its namespace or stream', () => {
    const byChannel = eventsByChannel(documentsWith(TOKEN_SETTINGS['no tokens']).asyncApi());
    const chat = byChannel.get('/') ?? [];
    for (const event of Object.keys(serverEventSchemas)) expect(chat).toContain(event);
    for (const event of Object.keys(ackSchemas)) expect(chat).toEqual(expect.arrayContaining([event, `${event} ack`]));
    const monitor = byChannel.get(MONITOR_NAMESPACE) ?? [];
    expect(monitor.sort()).toEqual(Object.keys(monitorEventSchemas).sort());
    const sse = [
      ...(byChannel.get('/api/chat/{messageId}/events') ?? []),
      ...(byChannel.get('/api/statistics/stream') ?? []),
    ];
    expect(sse.sort()).toEqual(Object.keys(sseEventSchemas).sort());
    expect(byChannel.get('/api/statistics/stream')).toEqual(['stats']);
  });

  it('answers each client request with its acknowledgement', () => {
    const { operations } = documentsWith(TOKEN_SETTINGS['no tokens']).asyncApi();
    for (const event of Object.keys(ackSchemas)) {
      expect(operations[event]).toMatchObject({
        action: 'receive',
        messages: [{ $ref: `#/channels/chat/messages/${event}` }],
        reply: { messages: [{ $ref: `#/channels/chat/messages/${event}Ack` }] },
      });
    }
  });
});
