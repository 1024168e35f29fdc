/**
 * The web app in a real browser (Debian's Chromium via playwright-core): asking and streaming,
 * hostile answers, the polling fallback, failure and retry, urgency, stopping, conversations,
 * reloads, the dashboard, a phone-sized screen. Screenshots go to docs/screenshots/.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAnswer } from '../../server/providers/mock.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../server/providers/types.js';
import { ProviderError } from '../../server/providers/types.js';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestService } from '../helpers/service.js';
import { buildClient, launchBrowser, SCREENSHOTS } from './browser.js';

const HOSTILE = [
  '## Advice',
  '<script>window.__xss = "script"</script>',
  '<img src="x" onerror="window.__xss = \'img\'">',
  '[Read more](javascript:window.__xss=%22link%22)',
  '<a href="javascript:window.__xss=\'raw-link\'">raw link</a>',
  '<iframe src="javascript:window.__xss=\'iframe\'"></iframe>',
  '| Drink | Amount |\n| --- | --- |\n| Water | **2 l** |',
].join('\n\n');

/**
 * Streams a medical-sounding answer slowly; special questions give hostile Markdown, fail once,
 * or hang until cancelled.
 */
class ScriptedProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly model = 'scripted-1';
  private failedOnce = new Set<string>();

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const question = request.messages.at(-1)?.content ?? '';
    if (question.includes('fail once') && !this.failedOnce.has(question)) {
      this.failedOnce.add(question);
      throw new ProviderError('The model provider refused this question (400).', { retryable: false, status: 400 });
    }
    if (question.includes('hang')) {
      await new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
    }
    const earlier = (request.messages.length - 1) / 2;
    const followUp = earlier > 0 ? `\n\n_Following up on ${earlier} earlier question${earlier > 1 ? 's' : ''}._` : '';
    const text = question.includes('hostile') ? HOSTILE : `${mockAnswer(question)}${followUp}`;
    const pieces = text.match(/.{1,12}/gs) ?? [text];
    for (const piece of pieces) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      request.signal.throwIfAborted();
      request.onText(piece);
    }
    return { text, usage: { promptTokens: 20, completionTokens: 40 }, provider: this.name, model: this.model };
  }
}

let db: TestDatabase;
let service: Service;
let browser: Browser;
let clientDir: string;

beforeAll(async () => {
  [db, clientDir, browser] = await Promise.all([createTestDatabase(), buildClient(), launchBrowser()]);
  service = await startTestService({ databaseUrl: db.url, provider: new ScriptedProvider(), clientDir });
  await fs.mkdir(SCREENSHOTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
  await db?.drop();
  if (clientDir) await fs.rm(clientDir, { recursive: true, force: true });
});

async function openApp(options: { viewport?: { width: number; height: number }; blockSocket?: boolean } = {}) {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1200, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  if (options.blockSocket) await page.route('**/socket.io/**', (route) => route.abort());
  await page.goto(service.url);
  return { page, context, problems };
}

async function ask(page: Page, question: string) {
  await page.fill('#composer-input', question);
  await page.keyboard.press('Enter');
}

const lastExchange = (page: Page) => page.locator('.exchange').last();

describe('the chat', () => {
  it('asks with Enter, shows the question at once, streams the answer and finishes', async () => {
    const { page, context, problems } = await openApp();
    await expect.poll(() => page.locator('#connection').getAttribute('data-mode')).toBe('live');
    await page.fill('#composer-input', 'What helps with a cold?');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('And a sore throat?');
    expect(await page.inputValue('#composer-input')).toBe('What helps with a cold?\nAnd a sore throat?');
    await page.keyboard.press('Enter');
    const exchange = lastExchange(page);
    await expect.poll(() => exchange.locator('.question').textContent()).toContain('What helps with a cold?');
    // Mid-stream: partial text and an "answering" state.
    await expect.poll(() => exchange.getAttribute('data-status'), { timeout: 5000 }).toBe('processing');
    await expect.poll(() => exchange.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    expect(await exchange.locator('.answer-body strong').first().textContent()).toBe('What usually helps');
    expect(await exchange.locator('.answer-body li').count()).toBe(6);
    await expect.poll(() => page.locator('#announcer').textContent()).toContain('MedChat answered');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chat.png') });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('renders hostile Markdown safely: scripts, onerror and javascript: links run nothing', async () => {
    const { page, context, problems } = await openApp();
    await ask(page, 'a hostile answer please');
    const exchange = lastExchange(page);
    await expect.poll(() => exchange.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    expect(await exchange.locator('.answer-body h2').textContent()).toBe('Advice');
    expect(await exchange.locator('.answer-body table td').count()).toBe(2);
    expect(await exchange.locator('.answer-body script, .answer-body img, .answer-body iframe').count()).toBe(0);
    const hrefs = await exchange
      .locator('.answer-body a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs.every((href) => !href || !/^javascript:/i.test(href))).toBe(true);
    for (const link of await exchange.locator('.answer-body a').all())
      await link.click({ force: true }).catch(() => undefined);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('falls back to polling when the socket is blocked, and still shows the answer', async () => {
    const { page, context } = await openApp({ blockSocket: true });
    await expect.poll(() => page.locator('#connection').getAttribute('data-mode'), { timeout: 8000 }).toBe('polling');
    await ask(page, 'Polling question about sleep');
    const exchange = lastExchange(page);
    await expect.poll(() => exchange.getAttribute('data-status'), { timeout: 15_000 }).toBe('completed');
    expect(await exchange.locator('.answer-body').textContent()).toContain('When to see a doctor');
    await context.close();
  });

  it('shows a failed answer in plain words with a "try again" that works', async () => {
    const { page, context } = await openApp();
    await ask(page, 'please fail once');
    const failed = lastExchange(page);
    await expect.poll(() => failed.getAttribute('data-status'), { timeout: 10_000 }).toBe('failed');
    expect(await failed.locator('.error-text').textContent()).toContain('refused this question');
    await failed.getByRole('button', { name: 'Try again' }).click();
    const retried = lastExchange(page);
    await expect.poll(() => page.locator('.exchange').count()).toBe(2);
    await expect.poll(() => retried.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    await context.close();
  });

  it('shows an emergency banner at once for a red-flag question', async () => {
    const { page, context } = await openApp();
    await ask(page, 'I have crushing chest pain and I am sweating');
    const banner = lastExchange(page).locator('.urgent-banner');
    await expect.poll(() => banner.isVisible(), { timeout: 5000 }).toBe(true);
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.textContent()).toMatch(/emergency number/);
    await context.close();
  });

  it('stops an answer with the stop button', async () => {
    const { page, context } = await openApp();
    await ask(page, 'please hang forever');
    const exchange = lastExchange(page);
    await expect.poll(() => exchange.getAttribute('data-status'), { timeout: 5000 }).toBe('processing');
    await exchange.getByRole('button', { name: 'Stop this answer' }).click();
    await expect.poll(() => exchange.getAttribute('data-status'), { timeout: 5000 }).toBe('failed');
    expect(await exchange.locator('.status').textContent()).toBe('Stopped');
    await context.close();
  });

  it('keeps the conversation over a reload, continues it, and starts a new one', async () => {
    const { page, context } = await openApp();
    await ask(page, 'First question of a thread');
    await expect.poll(() => lastExchange(page).getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    await ask(page, 'And a follow-up?');
    await expect.poll(() => lastExchange(page).getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    expect(await lastExchange(page).locator('.answer-body').textContent()).toContain(
      'Following up on 1 earlier question',
    );
    await page.reload();
    await expect.poll(() => page.locator('.exchange').count(), { timeout: 5000 }).toBe(2);
    expect(await page.locator('.exchange .question').allTextContents()).toEqual([
      'First question of a thread',
      'And a follow-up?',
    ]);
    expect(await page.locator('.conversation-list button[aria-current="true"]').textContent()).toBe(
      'First question of a thread',
    );
    await page.getByRole('button', { name: 'New' }).click();
    expect(await page.locator('.exchange').count()).toBe(0);
    await ask(page, 'A fresh topic');
    await expect.poll(() => lastExchange(page).getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    expect(await lastExchange(page).locator('.answer-body').textContent()).not.toContain('Following up');
    expect(await page.locator('.conversation-list li').count()).toBeGreaterThanOrEqual(2);
    await context.close();
  });

  it('works with the keyboard alone, with labelled controls and the disclaimer always visible', async () => {
    const { page, context } = await openApp();
    // Start the keyboard journey at the top of the page, as a fresh visit would.
    await page.evaluate(() => {
      document.body.tabIndex = -1;
      document.body.focus();
    });
    await page.keyboard.press('Tab'); // the skip link comes first
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Skip to the question box');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    expect(await page.getByLabel('Your question').count()).toBe(1);
    expect(await page.locator('.disclaimer').isVisible()).toBe(true);
    expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
    await context.close();
  });

  it('fits a phone-sized screen', async () => {
    const { page, context } = await openApp({ viewport: { width: 390, height: 844 } });
    await ask(page, 'Phone question about hydration');
    await expect.poll(() => lastExchange(page).getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('#composer-input').isVisible()).toBe(true);
    expect(await page.locator('.disclaimer').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chat-phone.png') });
    await context.close();
  });
});

describe('the dashboard', () => {
  it('shows the live statistics pushed over /monitor, and its numbers change as messages complete', async () => {
    const { page, context, problems } = await openApp();
    await page.goto(`${service.url}/#/dashboard`);
    await expect
      .poll(() => page.locator('#dashboard-source').getAttribute('data-mode'), { timeout: 5000 })
      .toBe('live');
    const processed = page.locator('dd[data-field="messagesProcessed"]');
    await expect.poll(() => processed.textContent(), { timeout: 5000 }).not.toBe('–');
    const before = Number((await processed.textContent())?.replace(/\D/g, ''));
    for (let i = 0; i < 3; i++) {
      await fetch(`${service.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: `dashboard question ${i}` }),
      });
    }
    await expect
      .poll(async () => Number((await processed.textContent())?.replace(/\D/g, '')), { timeout: 10_000 })
      .toBe(before + 3);
    expect(await page.locator('dd[data-field="successRate"]').textContent()).toMatch(/%$/);
    expect(await page.locator('.chart canvas').count()).toBe(3);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
