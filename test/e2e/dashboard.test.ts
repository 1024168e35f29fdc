/**
 * The live dashboard in a real browser: every statistic pushed over /monitor (no polling while
 * the socket is up), numbers that move as messages complete, charts, the polling fallback and a
 * phone-sized screen.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Statistics } from '../../shared/rest.js';
import { postJson } from '../helpers/http.js';
import { appUnderTestForFile, openApp } from './app-under-test.js';
import { SCREENSHOTS } from './browser.js';

const FIELDS: Array<keyof Statistics> = [
  'messagesProcessed',
  'messagesSucceeded',
  'messagesFailed',
  'messagesCancelled',
  'totalRetries',
  'averageProcessingTimeMs',
  'averageTokensPerMessage',
  'totalTokensUsed',
  'activeWorkers',
  'queueLength',
  'maxWorkers',
  'idleWorkers',
  'successRate',
];

const app = appUnderTestForFile();

const sourceMode = (page: Page) => page.locator('#dashboard-source').getAttribute('data-mode');
const shown = (page: Page, field: keyof Statistics) => page.locator(`dd[data-field="${field}"]`).textContent();
const shownNumber = async (page: Page, field: keyof Statistics) =>
  Number((await shown(page, field))?.replace(/\D/g, ''));

async function askOverRest(count: number, label: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await postJson(app.service.url, '/api/chat', { question: `${label} ${i}` });
    expect(response.status).toBe(202);
  }
}

describe('the dashboard', () => {
  it('shows every statistic pushed over /monitor, without polling, and its numbers move as messages complete', async () => {
    const { page, context, problems, requests } = await openApp(app, { path: '/#/dashboard' });
    await expect.poll(() => sourceMode(page), { timeout: 5000 }).toBe('live');
    await expect.poll(() => shown(page, 'messagesProcessed'), { timeout: 5000 }).toMatch(/^\d/);
    for (const field of FIELDS) expect(await shown(page, field), field).toMatch(/^\d[\d,.]*( %| ms)?$/);
    const before = await shownNumber(page, 'messagesProcessed');

    await askOverRest(4, 'dashboard question');
    // While they run: busy workers (and, with more questions than workers, a queue).
    await expect.poll(() => shownNumber(page, 'activeWorkers'), { timeout: 5000 }).toBeGreaterThan(0);
    await expect.poll(() => shownNumber(page, 'messagesProcessed'), { timeout: 15_000 }).toBe(before + 4);
    await expect.poll(() => shownNumber(page, 'activeWorkers'), { timeout: 5000 }).toBe(0);
    expect(await shownNumber(page, 'queueLength')).toBe(0);
    expect(await shownNumber(page, 'idleWorkers')).toBe(await shownNumber(page, 'maxWorkers'));
    expect(await shown(page, 'successRate')).toBe('100.0 %');
    expect(await shown(page, 'averageProcessingTimeMs')).toMatch(/^[1-9][\d,]* ms$/);
    expect(await page.locator('.chart canvas').count()).toBe(3);
    // Pushed, not polled: the page never asked for the statistics over REST.
    expect(requests.filter((request) => request.includes('/api/statistics'))).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png') });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('polls the REST statistics while the socket cannot connect', async () => {
    const { page, context, requests } = await openApp(app, { path: '/#/dashboard', blockSocket: true });
    await expect.poll(() => sourceMode(page), { timeout: 8000 }).toBe('polling');
    await expect.poll(() => shown(page, 'messagesProcessed'), { timeout: 5000 }).toMatch(/^\d/);
    const before = await shownNumber(page, 'messagesProcessed');
    await askOverRest(2, 'polled dashboard question');
    await expect.poll(() => shownNumber(page, 'messagesProcessed'), { timeout: 15_000 }).toBe(before + 2);
    expect(requests.filter((request) => request === 'GET /api/statistics').length).toBeGreaterThan(1);
    await context.close();
  });

  it('fits a phone-sized screen: two statistics a row, no sideways scrolling', async () => {
    const { page, context } = await openApp(app, { path: '/#/dashboard', viewport: { width: 390, height: 844 } });
    await expect.poll(() => shown(page, 'messagesProcessed'), { timeout: 5000 }).toMatch(/^\d/);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const tops = await page.locator('.stat').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect().top));
    expect(tops[0]).toBe(tops[1]);
    expect(await page.locator('.disclaimer').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-phone.png') });
    await context.close();
  });
});
