/**
 * The API's description as the service serves it (issue 17): the documents follow its settings,
 * the reference page and its files are served from the service itself under its security
 * headers, and all of it is open while the API itself still asks for its token.
 */
import { describe, expect, it } from 'vitest';
import { serviceDocuments } from '../../server/http/routes/api-docs.js';
import { getJson } from '../helpers/http.js';
import { useServiceForFile } from '../helpers/service.js';

const API_TOKEN = 'api-docs-test-api-token';
const MONITOR_TOKEN = 'api-docs-test-monitor-token';
const env = { API_TOKEN, MONITOR_TOKEN, MAX_QUESTION_CHARS: '321' };
const file = useServiceForFile({ env });

async function get(path: string) {
  const response = await fetch(`${file.service.url}${path}`);
  return { response, text: await response.text() };
}

describe('the API documents, served', () => {
  it('serve the OpenAPI document of this service: its question limit, its tokens', async () => {
    const { response, text } = await get('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const expected = serviceDocuments({
      maxQuestionChars: 321,
      tokens: { apiToken: API_TOKEN, monitorToken: MONITOR_TOKEN },
    });
    expect(JSON.parse(text)).toEqual(expected.openApi());
    const served = JSON.parse(text) as {
      components: { schemas: { AskRequest: { properties: { question: unknown } } } };
    };
    expect(served.components.schemas.AskRequest.properties.question).toMatchObject({ maxLength: 321 });
  });

  it('serve the AsyncAPI document, its servers at the host it was fetched from', async () => {
    const { response, text } = await get('/api/asyncapi.json');
    expect(response.status).toBe(200);
    const document = JSON.parse(text) as { servers: Record<string, { host: string; protocol: string }> };
    const host = new URL(file.service.url).host;
    expect(document.servers.socketio).toMatchObject({ host, protocol: 'ws' });
    expect(document.servers.http).toMatchObject({ host, protocol: 'http' });
  });

  it('serve the reference page and its files from the service, under its Content-Security-Policy', async () => {
    for (const path of ['/api/docs', '/api/docs/', '/API/Docs']) {
      const { response, text } = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(text).not.toMatch(/<script>|<style|style=|https?:\/\//);
      const assets = [...text.matchAll(/(?:src|href)="(\/api\/docs\/[^"]+)"/g)].map((match) => match[1] ?? '');
      expect(assets.sort()).toEqual([
        '/api/docs/reference.css',
        '/api/docs/reference.js',
        '/api/docs/swagger-ui-bundle.js',
        '/api/docs/swagger-ui.css',
      ]);
    }
    for (const [path, type] of [
      ['/api/docs/swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['/api/docs/swagger-ui.css', 'text/css; charset=utf-8'],
      ['/api/docs/reference.js', 'text/javascript; charset=utf-8'],
      ['/api/docs/reference.css', 'text/css; charset=utf-8'],
    ] as const) {
      const { response, text } = await get(path);
      expect([response.status, response.headers.get('content-type')], path).toEqual([200, type]);
      expect(response.headers.get('cache-control'), path).toBe('public, max-age=3600');
      expect(text.length, path).toBeGreaterThan(500);
    }
    const missing = await getJson(file.service.url, '/api/docs/package.json');
    expect(missing).toMatchObject({ status: 404, body: { error: 'No such file of the reference page.' } });
    expect((await getJson(file.service.url, '/api/docs/..%2Fpackage.json')).status).toBe(404);
  });

  it('are open while the API asks for its token', async () => {
    expect((await getJson(file.service.url, '/api/statistics')).status).toBe(401);
    expect((await getJson(file.service.url, '/api/docs/nothing-here')).status).toBe(404);
  });
});
