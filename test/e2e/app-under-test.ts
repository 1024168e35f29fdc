/**
 * One MedChat service with the built web app and a Chromium, for a browser test file, and the
 * helpers its tests share: open the app, ask, and record what an answer looked like over time.
 */
import fs from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Service } from '../../server/service.js';
import { createTestDatabase } from '../helpers/database.js';
import { startTestService } from '../helpers/service.js';
import { buildClient, launchBrowser, SCREENSHOTS } from './browser.js';
import { ScriptedProvider } from './scripted-provider.js';

export interface AppUnderTest {
  service: Service;
  browser: Browser;
  close(): Promise<void>;
}

export async function startAppUnderTest(): Promise<AppUnderTest> {
  const [db, clientDir, browser] = await Promise.all([createTestDatabase(), buildClient(), launchBrowser()]);
  // The scripted model gives the triage's second opinion too (off by default with the mock's config).
  const service = await startTestService({
    databaseUrl: db.url,
    provider: new ScriptedProvider(),
    clientDir,
    env: { TRIAGE_MODEL: 'on' },
  });
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  return {
    service,
    browser,
    async close() {
      await browser.close();
      await service.close();
      await db.drop();
      await fs.rm(clientDir, { recursive: true, force: true });
    },
  };
}

/**
 * The app of the calling test file: started before its tests, closed after them. Its fields can
 * be read once the tests run (inside them or their hooks).
 */
export function appUnderTestForFile(): AppUnderTest {
  let started: AppUnderTest | undefined;
  const app = () => {
    if (!started) throw new Error('The app under test did not start (see the beforeAll error).');
    return started;
  };
  beforeAll(async () => {
    started = await startAppUnderTest();
  }, 60_000);
  afterAll(async () => {
    await started?.close();
  });
  return {
    get service() {
      return app().service;
    },
    get browser() {
      return app().browser;
    },
    close: () => app().close(),
  };
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  blockSocket?: boolean;
  path?: string;
}

export interface OpenedApp {
  page: Page;
  context: BrowserContext;
  /** Page errors and dialogs (alert() from an injected script would land here). */
  problems: string[];
  /** Paths of the REST requests the page made, e.g. "GET /api/statistics". */
  requests: string[];
  /** Lets Socket.IO through again after `blockSocket`. */
  unblockSocket(): Promise<void>;
}

export async function openApp(app: AppUnderTest, options: OpenOptions = {}): Promise<OpenedApp> {
  const context = await app.browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  await context.addInitScript(recordAnswerTimeline);
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) requests.push(`${request.method()} ${url.pathname}`);
  });
  const blockSocket = (route: { abort(): Promise<void> }) => route.abort();
  if (options.blockSocket) await page.route('**/socket.io/**', blockSocket);
  await page.goto(`${app.service.url}${options.path ?? '/'}`);
  return {
    page,
    context,
    problems,
    requests,
    unblockSocket: () => page.unroute('**/socket.io/**', blockSocket),
  };
}

export async function ask(page: Page, question: string): Promise<void> {
  await page.fill('#composer-input', question);
  await page.keyboard.press('Enter');
}

export const lastExchange = (page: Page) => page.locator('.exchange').last();

export const statusOf = (page: Page) => lastExchange(page).getAttribute('data-status');

/** One observed look of an answer: its state, its state line and its visible text. */
export interface AnswerFrame {
  status: string;
  label: string;
  text: string;
}

/** Every distinct look the newest answer had since the page loaded (recorded in the page). */
export function answerTimeline(page: Page): Promise<AnswerFrame[]> {
  return page.evaluate(() => (window as unknown as { __timeline: AnswerFrame[] }).__timeline);
}

/** Forgets what was recorded, e.g. before asking the next question. */
export async function clearTimeline(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __timeline: AnswerFrame[] }).__timeline.length = 0;
  });
}

/** Runs in the page before its scripts: records each change of the newest answer. */
function recordAnswerTimeline(): void {
  const timeline: Array<{ status: string; label: string; text: string }> = [];
  (window as unknown as { __timeline: typeof timeline }).__timeline = timeline;
  document.addEventListener('DOMContentLoaded', () => {
    const thread = document.getElementById('thread');
    if (!thread) return;
    new MutationObserver(() => {
      const exchanges = thread.querySelectorAll<HTMLElement>('.exchange');
      const newest = exchanges[exchanges.length - 1];
      if (!newest) return;
      const frame = {
        status: newest.dataset.status ?? '',
        label: newest.querySelector('.status')?.textContent ?? '',
        text: newest.querySelector('.answer-body')?.textContent ?? '',
      };
      const last = timeline[timeline.length - 1];
      if (!last || last.status !== frame.status || last.label !== frame.label || last.text !== frame.text) {
        timeline.push(frame);
      }
    }).observe(thread, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}
