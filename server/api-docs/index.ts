/**
 * The API as documents: OpenAPI 3.1 (REST) and AsyncAPI 3.0 (Socket.IO, SSE), generated from the
 * route table and the shared zod schemas, and the reference page that shows them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import type { AccessRule } from './access.js';
import { type AsyncApiDocument, asyncApiDocument } from './asyncapi.js';
import { type OpenApiDocument, openApiDocument } from './openapi.js';

export type { AccessRule, PathAccess } from './access.js';
export { servers as asyncApiServers } from './asyncapi.js';
export { REFERENCE_FILES, REFERENCE_PAGE, REFERENCE_PAGE_PATH, type ReferenceFile } from './reference-page.js';
export type { AsyncApiDocument, OpenApiDocument };

export interface ApiDocuments {
  openApi(): OpenApiDocument;
  asyncApi(): AsyncApiDocument;
}

function serviceVersion(): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return version;
}

/** The documents of a service with these settings, each made once, when first asked for. */
export function apiDocuments(settings: { maxQuestionChars: number; access: AccessRule }): ApiDocuments {
  let openApi: OpenApiDocument | undefined;
  let asyncApi: AsyncApiDocument | undefined;
  return {
    openApi: () => {
      openApi ??= openApiDocument({ ...settings, version: serviceVersion() });
      return openApi;
    },
    asyncApi: () => {
      asyncApi ??= asyncApiDocument({ ...settings, version: serviceVersion() });
      return asyncApi;
    },
  };
}
