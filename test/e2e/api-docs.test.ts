/**
 * The API reference page in a real browser (issue 17): reached from the app's header, it renders
 * every operation of the OpenAPI document and the live API of the AsyncAPI document, from files
 * of the service itself, with no console error and no Content-Security-Policy violation.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { serviceDocuments } from '../../server/http/routes/api-docs.js';
import { ackSchemas, serverEventSchemas } from '../../shared/socket-events.js';
import { appUnderTestForFile } from './app-under-test.js';
import { SCREENSHOTS } from './browser.js';

const app = appUnderTestForFile();

interface Watched {
  page: Page;
  /** Console errors, page errors and CSP violations, as they happened. */
  problems: string[];
  /** Every URL the page asked for. */
  requested: string[];
}

async function openWatched(): Promise<Watched> {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Before the page's own scripts: every CSP violation, also ones no console line reports.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const requested: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requested.push(request.url()));
  return { page, problems, requested };
}

const cspViolations = (page: Page) =>
  page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

describe('the API reference page', () => {
  it('is linked from the app, and renders every operation and the live API, with no error and no CSP violation', async () => {
    const { page, problems, requested } = await openWatched();
    await page.goto(`${app.service.url}/`);
    await page.getByRole('link', { name: 'API', exact: true }).click();
    await page.waitForURL('**/api/docs');

    const { paths } = serviceDocuments({
      maxQuestionChars: 4000,
      tokens: { apiToken: undefined, monitorToken: undefined },
    }).openApi();
    const operations = Object.entries(paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((m) => `${m} ${route}`),
    );
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 30_000 }).toBe(operations.length);
    for (const operation of operations) {
      const [method, route] = operation.split(' ') as [string, string];
      const block = page.locator(`.opblock-${method}`).filter({
        has: page.locator('.opblock-summary-path', { hasText: new RegExp(`^${route.replace(/[.{}]/g, '\\$&')}$`) }),
      });
      expect(await block.count(), operation).toBe(1);
    }

    // One operation opened: its answers, statuses and schemas, from the document.
    await page.locator('.opblock-post .opblock-summary', { hasText: '/api/chat' }).first().click();
    const ask = page.locator('.opblock-post.is-open');
    for (const status of ['202', '400', '413', '415', '422', '429', '500', '503']) {
      await expect.poll(() => ask.locator(`tr.response[data-code="${status}"]`).count(), { timeout: 10_000 }).toBe(1);
    }
    expect(await ask.textContent()).toContain('Idempotency-Key');

    // The live API, from the AsyncAPI document: every event of the default namespace, and the acks.
    const chat = page.locator('#live-chat');
    await expect.poll(() => chat.locator('tr').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    const live = (await chat.textContent()) ?? '';
    for (const event of [...Object.keys(serverEventSchemas), ...Object.keys(ackSchemas)]) expect(live).toContain(event);
    expect(await page.locator('#live-monitor').textContent()).toContain('stats');
    expect(await page.locator('#live-messageEvents').textContent()).toContain('delta');

    await page.screenshot({ path: path.join(SCREENSHOTS, 'api-docs.png') });
    await page.locator('#live').screenshot({ path: path.join(SCREENSHOTS, 'api-docs-live.png') });
    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    const origins = new Set(requested.map((url) => new URL(url).origin));
    expect([...origins]).toEqual([new URL(app.service.url).origin]);
    await page.context().close();
  }, 90_000);

  it('reports a CSP violation when there is one (the watch can fail)', async () => {
    const { page, problems } = await openWatched();
    await page.goto(`${app.service.url}/api/docs`);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    await expect
      .poll(() => cspViolations(page), { timeout: 10_000 })
      .toContainEqual(expect.stringMatching(/^script-src/));
    await expect
      .poll(() => problems.some((p) => p.includes('Content Security Policy')), { timeout: 10_000 })
      .toBe(true);
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    await page.context().close();
  }, 60_000);
});
