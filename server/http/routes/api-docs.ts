/**
 * The API's description: GET /api/openapi.json, /api/asyncapi.json, and the reference page at
 * /api/docs with its files. The documents follow this service's settings: its longest question,
 * and its tokens (as the token step of the chain applies them).
 */
import type { IRouter, Response } from 'express';
import type { Tokens } from '../../access/tokens.js';
import {
  type AccessRule,
  type ApiDocuments,
  apiDocuments,
  asyncApiServers,
  REFERENCE_FILES,
  REFERENCE_PAGE,
  REFERENCE_PAGE_PATH,
  type ReferenceFile,
} from '../../api-docs/index.js';
import { HttpError } from '../../edge/http-error.js';
import { acceptsQueryToken, requiredToken } from '../auth.js';
import { sendJson, sendJsonText } from '../json-response.js';

export interface ApiDocsDeps {
  maxQuestionChars: number;
  tokens: Tokens;
}

/** The token rule of auth.ts, as the documents ask for it (by path template). */
export function tokenAccess(tokens: Tokens): AccessRule {
  return (path) => {
    const required = requiredToken(path, tokens);
    return required && { kind: required.kind, query: acceptsQueryToken(path) };
  };
}

/** The documents this service serves (also what the tests check its answers against). */
export function serviceDocuments(deps: ApiDocsDeps): ApiDocuments {
  return apiDocuments({ maxQuestionChars: deps.maxQuestionChars, access: tokenAccess(deps.tokens) });
}

/** Revalidated by default: the files' names stay the same when the package is upgraded. */
function sendReferenceFile(res: Response, file: ReferenceFile, cacheControl = 'no-cache'): void {
  res.setHeader('Cache-Control', cacheControl);
  if ('file' in file) {
    res.sendFile(file.file, { headers: { 'Content-Type': file.contentType } });
    return;
  }
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', Buffer.byteLength(file.text));
  res.end(file.text);
}

export function apiDocsRoutes(router: IRouter, deps: ApiDocsDeps): void {
  const documents = serviceDocuments(deps);
  let openApiText: string | undefined;

  router.get('/api/openapi.json', (_req, res) => {
    openApiText ??= JSON.stringify(documents.openApi());
    sendJsonText(res, 200, openApiText);
  });

  // The servers are where the client found this document (a proxy's host, with trust proxy).
  router.get('/api/asyncapi.json', (req, res) => {
    sendJson(res, 200, { ...documents.asyncApi(), servers: asyncApiServers(req.host, req.secure) });
  });

  router.get(REFERENCE_PAGE_PATH, (_req, res) => {
    sendReferenceFile(res, REFERENCE_PAGE);
  });

  router.get(`${REFERENCE_PAGE_PATH}/:file`, (req, res) => {
    const name = req.params.file;
    const file = Object.hasOwn(REFERENCE_FILES, name) ? REFERENCE_FILES[name] : undefined;
    if (!file) throw new HttpError(404, 'No such file of the reference page.');
    sendReferenceFile(res, file, 'public, max-age=3600');
  });
}
