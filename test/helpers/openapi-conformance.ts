/**
 * Every answer a test receives, checked against the OpenAPI document: its status must be one the
 * document lists for that method and path (or, for a request that matches no operation, one of
 * its `x-unrouted-responses`), its JSON body must match that answer's schema (ajv, JSON Schema
 * 2020-12), and the headers the document marks required for an operation's answer must be there.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { serviceDocuments } from '../../server/http/routes/api-docs.js';
import { DEFAULT_MAX_QUESTION_CHARS } from '../../shared/limits.js';

/** ajv-formats is CommonJS: from ESM its plugin is the module's `default`. */
const addFormats = addFormatsModule.default;

/** The document of a service with both tokens set: it lists every answer any configuration gives (401s too). */
export const CONFORMANCE_DOCUMENT = serviceDocuments({
  maxQuestionChars: DEFAULT_MAX_QUESTION_CHARS,
  tokens: { apiToken: 'conformance-api-token', monitorToken: 'conformance-monitor-token' },
}).openApi();

type Json = Record<string, unknown>;
type ResponseObject = { content?: Record<string, { schema?: unknown }>; headers?: Record<string, { $ref: string }> };

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(CONFORMANCE_DOCUMENT, 'openapi');

/** Each operation's path as express matches it: any case, with or without a trailing slash. */
const OPERATIONS = Object.entries(CONFORMANCE_DOCUMENT.paths).flatMap(([template, methods]) =>
  Object.keys(methods).map((method) => {
    const pattern = template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return { method: method.toUpperCase(), template, path: new RegExp(`^${pattern}/?$`, 'i') };
  }),
);

const pointer = (...keys: string[]) => keys.map((key) => key.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

const validators = new Map<string, ValidateFunction>();
function validator(schemaPointer: string): ValidateFunction {
  let validate = validators.get(schemaPointer);
  if (!validate) {
    validate = ajv.getSchema(`openapi#/${schemaPointer}`);
    if (!validate) throw new Error(`no schema at ${schemaPointer} in the OpenAPI document`);
    validators.set(schemaPointer, validate);
  }
  return validate;
}

/** The document's answer for this request and status, and where it is in the document. */
function documentedAnswer(method: string, path: string, status: number) {
  const operation = OPERATIONS.find((o) => o.method === method && o.path.test(path));
  const at = operation
    ? ['paths', operation.template, method.toLowerCase(), 'responses', String(status)]
    : ['x-unrouted-responses', String(status)];
  const answer = at.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], CONFORMANCE_DOCUMENT);
  const where = operation ? `${method} ${operation.template}` : `${method} ${path} (no operation)`;
  return { answer: answer as ResponseObject | undefined, at, where };
}

function missingHeaders(answer: ResponseObject, headers: Headers): string[] {
  const components = CONFORMANCE_DOCUMENT.components.headers as Record<string, { required?: boolean }>;
  return Object.entries(answer.headers ?? {})
    .filter(([name, { $ref }]) => components[$ref.split('/').pop() ?? '']?.required && !headers.has(name))
    .map(([name]) => name);
}

/**
 * Throws when the answer is not what the document says: an undocumented status, a JSON body the
 * document does not give this answer or that fails its schema, a required header missing.
 */
export function checkAgainstOpenApi(method: string, url: string, status: number, body: unknown, headers?: Headers) {
  const path = new URL(url, 'http://localhost').pathname;
  const { answer, at, where } = documentedAnswer(method.toUpperCase(), path, status);
  if (!answer) throw new Error(`${where} answered ${status}, which the OpenAPI document does not list`);
  if (!answer.content?.['application/json']) {
    throw new Error(`${where} ${status} answered JSON, which the OpenAPI document does not say it does`);
  }
  const validate = validator(pointer(...at, 'content', 'application/json', 'schema'));
  if (!validate(body)) {
    const shown = JSON.stringify(body)?.slice(0, 300);
    throw new Error(`${where} ${status} breaks the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${shown}`);
  }
  // Headers only for the operations: a path of no operation may be a test's stand-in app, without the chain.
  const missing = headers && at[0] === 'paths' ? missingHeaders(answer, headers) : [];
  if (missing.length > 0) throw new Error(`${where} ${status} lacks the header(s) ${missing.join(', ')}`);
}
