/**
 * The chat in a real browser (Debian's Chromium via playwright-core): asking and streaming,
 * hostile answers, the polling fallback and the way back, failure and retry, urgency, stopping,
 * conversations and reloads, keyboard use, a phone-sized screen and dark mode. Screenshots go to
 * test-results/screenshots/ (docs/screenshots/ holds the README's copies).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { adviceFor } from '../../shared/triage/index.js';
import { getJson } from '../helpers/http.js';
import {
  answerTimeline,
  appUnderTestForFile,
  ask,
  clearTimeline,
  lastExchange,
  openApp,
  statusOf,
} from './app-under-test.js';
import { SCREENSHOTS } from './browser.js';

const app = appUnderTestForFile();

const connectionMode = (page: Page) => page.locator('#connection').getAttribute('data-mode');
const answerText = (page: Page) => lastExchange(page).locator('.answer-body').textContent();
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

type Box = { x: number; y: number; width: number; height: number } | null;

/** The area two boxes share (0 when either is absent). */
function overlap(a: Box, b: Box): number {
  if (!a || !b) return 0;
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/**
 * Runs in the page: where the newest answer, its banner and the pin are, and which lines of the
 * answer's text that are on screen have something else on top of them (elementFromPoint).
 */
function urgentLayout() {
  const box = (element: Element | null | undefined) => {
    if (!element || (element as HTMLElement).hidden) return null;
    const { x, y, width, height } = element.getBoundingClientRect();
    return { x, y, width, height };
  };
  const thread = document.getElementById('thread') as HTMLElement;
  const exchange = [...document.querySelectorAll('.exchange')].at(-1) as HTMLElement;
  const body = exchange.querySelector('.answer-body') as HTMLElement;
  const banner = exchange.querySelector('.urgent-banner');
  const pin = document.getElementById('urgent-pin') as HTMLElement;
  const view = thread.getBoundingClientRect();
  const text = body.getBoundingClientRect();
  const top = Math.max(view.top, text.top);
  const bottom = Math.min(view.bottom, text.bottom);
  const coveredLines: string[] = [];
  let sampledLines = 0;
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const line of range.getClientRects()) {
      const y = line.top + line.height / 2;
      if (line.width === 0 || y < view.top || y > view.bottom) continue;
      sampledLines += 1;
      const hit = document.elementFromPoint(line.left + line.width / 2, y);
      if (!hit || !body.contains(hit))
        coveredLines.push(`${(node.textContent ?? '').slice(0, 30)} under ${hit?.className}`);
    }
  }
  const bannerBox = banner?.getBoundingClientRect();
  return {
    answer: box(body),
    answerOnScreen: bottom > top ? { x: text.x, y: top, width: text.width, height: bottom - top } : null,
    banner: box(banner),
    bannerWhole: bannerBox ? bannerBox.top >= view.top && bannerBox.bottom <= view.bottom : false,
    pin: box(pin),
    pinShown: !pin.hidden,
    sampledLines,
    coveredLines,
  };
}

/** Waits for two rendered frames: tasks queued by a click (a javascript: navigation) have run. */
const nextFrames = (page: Page) =>
  page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

describe('asking', () => {
  it('sends with Enter, shows the question at once, then waiting → answering (streamed) → done', async () => {
    const { page, context, problems } = await openApp(app);
    await expect.poll(() => connectionMode(page)).toBe('live');
    await page.fill('#composer-input', 'What helps with a cold?');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('And a sore throat?');
    expect(await page.inputValue('#composer-input')).toBe('What helps with a cold?\nAnd a sore throat?');
    await clearTimeline(page);
    await page.keyboard.press('Enter');
    // At once: the keydown handler shows the question before the server has answered anything.
    expect(await lastExchange(page).locator('.question').textContent()).toBe(
      'What helps with a cold?\nAnd a sore throat?',
    );
    expect(await page.inputValue('#composer-input')).toBe('');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');

    const frames = await answerTimeline(page);
    const firstIndex = (label: string) => frames.findIndex((frame) => frame.label === label);
    expect(firstIndex('Waiting in queue…')).toBeGreaterThanOrEqual(0);
    expect(firstIndex('Answering…')).toBeGreaterThan(firstIndex('Waiting in queue…'));
    expect(firstIndex('Answered')).toBeGreaterThan(firstIndex('Answering…'));
    // The answer was seen growing piece by piece, not only in its final form.
    const finalText = (await answerText(page)) ?? '';
    const streamed = frames.filter((frame) => frame.status === 'processing' && frame.text).map((f) => f.text.length);
    expect(streamed.length).toBeGreaterThanOrEqual(5);
    expect(streamed).toEqual([...streamed].sort((a, b) => a - b));
    // It started small (the last pieces may complete it before the "completed" event arrives).
    expect(Math.min(...streamed)).toBeLessThan(finalText.length / 4);
    expect(Math.max(...streamed)).toBeLessThanOrEqual(finalText.length);

    const answer = lastExchange(page).locator('.answer-body');
    expect(await answer.locator('strong').first().textContent()).toBe('What usually helps');
    expect(await answer.locator('li').count()).toBe(6);
    expect(finalText).not.toContain('**');
    // Screen readers hear the answer's words, not its Markdown.
    await expect.poll(() => page.locator('#announcer').textContent()).toContain('MedChat answered: Coughs, colds');
    expect(await page.locator('#announcer').textContent()).not.toContain('**');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chat.png') });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('renders hostile Markdown safely: scripts, onerror, event handlers and javascript: links run nothing', async () => {
    const { page, context, problems } = await openApp(app);
    const popups: string[] = [];
    context.on('page', (popup) => popups.push(popup.url()));
    await ask(page, 'a hostile answer please');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    const body = lastExchange(page).locator('.answer-body');
    expect(await body.locator('h2').textContent()).toBe('Advice');
    expect(await body.locator('table td').count()).toBe(2);
    // The sanitizer's work (the Content-Security-Policy would also block inline code: two layers).
    expect(await body.locator('script, img, iframe, svg, style').count()).toBe(0);
    const attributes = await body.evaluate((root) =>
      [...root.querySelectorAll('*')].flatMap((node) => node.getAttributeNames()),
    );
    expect(attributes.filter((name) => name.startsWith('on') || name === 'style')).toEqual([]);
    const hrefs = await body.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.filter((href) => /^\s*javascript:/i.test(href))).toEqual([]);
    // Use it as a person would: hover and click everything.
    await body.getByText('Hover here').hover();
    for (const link of await body.locator('a').all()) await link.click();
    await nextFrames(page);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(popups.filter((url) => url.startsWith('javascript:'))).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('when the socket cannot connect', () => {
  it('polls by itself, still shows the answer, and goes back to live updates when it can', async () => {
    const { page, context, requests, unblockSocket } = await openApp(app, { blockSocket: true });
    await expect.poll(() => connectionMode(page), { timeout: 8000 }).toBe('polling');
    await ask(page, 'Polling question about sleep');
    await expect.poll(() => statusOf(page), { timeout: 15_000 }).toBe('completed');
    expect(await answerText(page)).toContain('When to see a doctor');
    const messageId = await lastExchange(page).getAttribute('data-message-id');
    expect(requests).toContain(`POST /api/chat`);
    expect(requests).toContain(`GET /api/chat/${messageId}`);

    await unblockSocket();
    await expect.poll(() => connectionMode(page), { timeout: 15_000 }).toBe('live');
    const polledBefore = requests.filter((r) => r.startsWith('GET /api/chat/')).length;
    await clearTimeline(page);
    await ask(page, 'Back live: what about a fever?');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    // Live again: the answer streamed in, and nothing was polled for it.
    const frames = await answerTimeline(page);
    expect(frames.filter((frame) => frame.status === 'processing' && frame.text).length).toBeGreaterThanOrEqual(3);
    expect(requests.filter((r) => r.startsWith('GET /api/chat/')).length).toBe(polledBefore);
    await context.close();
  });
});

describe('when the answer to a socket ask is lost', () => {
  it('asks again over REST with the same idempotency key: the question is written once', async () => {
    const { page, context, requests } = await openApp(app);
    // From now on the server's answers to `ask` (ack packets carrying a messageId) never arrive.
    let upgraded = false;
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (typeof message === 'string' && /^43\d+\[\{"messageId"/.test(message)) return;
        ws.send(message);
      });
      ws.onMessage((message) => {
        // Engine.IO's upgrade packet: from here on every packet travels over this WebSocket.
        if (message === '5') upgraded = true;
        server.send(message);
      });
    });
    await page.reload();
    await expect.poll(() => connectionMode(page)).toBe('live');
    // Socket.IO connects over HTTP long-polling first: an ask sent before the upgrade would
    // get its answer over polling, past this filter (the race seen under a loaded machine).
    await expect.poll(() => upgraded, { timeout: 15_000 }).toBe(true);
    const question = 'Lost acknowledgement: what helps a sore throat?';
    await ask(page, question);
    await expect.poll(() => statusOf(page), { timeout: 20_000 }).toBe('completed');
    expect(requests).toContain('POST /api/chat'); // the fallback, after the socket's answer timed out
    const rows = await app.service.pool.query<{ id: string }>('SELECT id FROM messages WHERE question = $1', [
      question,
    ]);
    expect(rows.rows).toEqual([{ id: await lastExchange(page).getAttribute('data-message-id') }]);
    await context.close();
  });
});

describe('failures, urgency and stopping', () => {
  it('shows a failed answer in plain words with a "try again" that works', async () => {
    const { page, context } = await openApp(app);
    await ask(page, 'please fail once');
    const failed = lastExchange(page);
    await expect.poll(() => failed.getAttribute('data-status'), { timeout: 10_000 }).toBe('failed');
    expect(await failed.locator('.error-text').isVisible()).toBe(true);
    expect(await failed.locator('.error-text').textContent()).toMatch(
      /^Sorry, MedChat could not answer this question\. .*refused this question/,
    );
    expect(await failed.locator('.status').textContent()).toBe('Could not answer');
    await failed.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.locator('.exchange').count()).toBe(2);
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    expect(await lastExchange(page).locator('.question').textContent()).toBe('please fail once');
    expect(await answerText(page)).toContain('What usually helps');
    await context.close();
  });

  it.each([
    { label: 'desktop', viewport: { width: 1280, height: 800 }, shot: 'urgent-banner.png' },
    { label: 'phone', viewport: { width: 390, height: 844 }, shot: 'urgent-banner-phone.png' },
  ])(
    'shows an emergency banner at once, never over the answer, in view while the answer scrolls ($label)',
    async ({ viewport, shot }) => {
      const { page, context } = await openApp(app, { viewport });
      await ask(page, 'I have crushing chest pain and I am sweating, a long answer please');
      const banner = lastExchange(page).locator('.urgent-banner');
      // Before the model's first word: the advice comes with the question's acceptance.
      await expect.poll(() => banner.isVisible(), { timeout: 5000 }).toBe(true);
      expect(await lastExchange(page).getAttribute('data-status')).not.toBe('completed');
      expect(await banner.getAttribute('role')).toBe('alert');
      expect(await banner.textContent()).toMatch(/This may be an emergency\..*emergency number/);
      await expect.poll(() => statusOf(page), { timeout: 20_000 }).toBe('completed');
      const thread = page.locator('#thread');
      const { height, end } = await thread.evaluate((t) => ({ height: t.clientHeight, end: t.scrollHeight }));
      expect(end).toBeGreaterThan(2 * height); // the answer is taller than the screen: there is scrolling to do
      let pinned = 0;
      for (let top = 0; top <= end; top += Math.floor(height / 3)) {
        await thread.evaluate((t, y) => {
          t.scrollTop = y;
        }, top);
        // The advice is in view wherever one reads: its banner whole, or the pin under the thread.
        await expect
          .poll(async () => {
            const seen = await page.evaluate(urgentLayout);
            return seen.bannerWhole || seen.pinShown;
          })
          .toBe(true);
        await nextFrames(page);
        const seen = await page.evaluate(urgentLayout);
        if (seen.pinShown) pinned += 1;
        expect(seen.sampledLines, `text lines on screen at ${top}`).toBeGreaterThan(0);
        expect(seen.coveredLines, `answer lines covered at ${top}`).toEqual([]);
        expect(overlap(seen.banner, seen.answer), `banner over the answer at ${top}`).toBe(0);
        expect(overlap(seen.pin, seen.answerOnScreen), `pin over the answer at ${top}`).toBe(0);
        if (seen.pin) expect(seen.pin.y + seen.pin.height).toBeLessThanOrEqual(viewport.height);
      }
      expect(pinned, 'the pin took over once the banner scrolled away').toBeGreaterThan(0);
      // For the picture: read on into the answer, the advice pinned under it.
      await thread.evaluate((t) => {
        t.scrollTop = t.scrollHeight;
      });
      await expect.poll(async () => (await page.evaluate(urgentLayout)).pinShown).toBe(true);
      await page.screenshot({ path: path.join(SCREENSHOTS, shot) });
      await context.close();
    },
  );

  it("shows the banner when the model's second opinion raises the alarm later, in the question's language", async () => {
    const { page, context } = await openApp(app, { viewport: { width: 390, height: 844 } });
    const question = '¿Qué rutina de sueño es buena para mi hija de cuatro años? #urgent';
    await ask(page, question);
    const exchange = lastExchange(page);
    const banner = exchange.locator('.urgent-banner');
    await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await banner.getAttribute('role')).toBe('alert');
    const advice = adviceFor(['meningitis-or-sepsis'], 'es');
    expect(advice).not.toBe(adviceFor(['meningitis-or-sepsis'], 'en'));
    expect(await banner.locator('.urgent-advice').textContent()).toBe(advice);
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    const messageId = await exchange.getAttribute('data-message-id');
    const { body: state } = await getJson(app.service.url, `/api/chat/${messageId}`);
    // The rules did not flag it: the model did, after the question was accepted.
    expect(state).toMatchObject({ urgent: true, urgentSource: 'model', urgentAdvice: advice });
    expect(await exchange.locator('.urgent-banner').count()).toBe(1);
    await context.close();
  });

  it('stops a streaming answer from the keyboard: Stop keeps focus while text streams in', async () => {
    const { page, context } = await openApp(app);
    await ask(page, 'a slow answer about a headache');
    await expect.poll(async () => (await answerText(page))?.length ?? 0, { timeout: 5000 }).toBeGreaterThan(40);
    await page.keyboard.press('Shift+Tab'); // from the question box back to the newest answer's Stop
    expect(await focusedText(page)).toBe('Stop');
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
    });
    expect(outline.style).not.toBe('none');
    expect(outline.width).toBeGreaterThanOrEqual(2);
    // More text arrives (the answer re-renders many times); the focused button is still there.
    const lengthThen = (await answerText(page))?.length ?? 0;
    await expect.poll(async () => (await answerText(page))?.length ?? 0).toBeGreaterThan(lengthThen + 60);
    expect(await focusedText(page)).toBe('Stop');
    await page.keyboard.press('Enter');
    await expect.poll(() => statusOf(page), { timeout: 5000 }).toBe('failed');
    expect(await lastExchange(page).locator('.status').textContent()).toBe('Stopped');
    expect(await lastExchange(page).locator('.error-text').isVisible()).toBe(false);
    expect((await answerText(page))?.length).toBeGreaterThan(lengthThen); // what was written stays
    await expect.poll(() => focusedText(page)).toBe('Try again');
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('The answer was stopped.');
    await context.close();
  });
});

describe('conversations', () => {
  it('keeps the conversation over a reload, continues it, and starts a new one', async () => {
    const { page, context } = await openApp(app);
    await ask(page, 'First question of a thread');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    await ask(page, 'And a follow-up?');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    expect(await answerText(page)).toContain('Following up on 1 earlier question');
    await page.reload();
    await expect.poll(() => page.locator('.exchange').count(), { timeout: 5000 }).toBe(2);
    expect(await page.locator('.exchange .question').allTextContents()).toEqual([
      'First question of a thread',
      'And a follow-up?',
    ]);
    expect(await answerText(page)).toContain('Following up on 1 earlier question');
    expect(await page.locator('.conversation-list button[aria-current="true"]').textContent()).toBe(
      'First question of a thread',
    );
    await page.getByRole('button', { name: 'New' }).click();
    expect(await page.locator('.exchange').count()).toBe(0);
    await ask(page, 'A fresh topic');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    expect(await answerText(page)).not.toContain('Following up');
    expect(await page.locator('.conversation-list li').count()).toBeGreaterThanOrEqual(2);
    // Back to the first conversation from the list.
    await page.locator('.conversation-list button', { hasText: 'First question of a thread' }).click();
    await expect
      .poll(() => page.locator('.exchange .question').allTextContents())
      .toEqual(['First question of a thread', 'And a follow-up?']);
    await context.close();
  });

  it('after a reload mid-answer, shows the text so far at once, streams on, and finishes the answer', async () => {
    const { page, context } = await openApp(app);
    await ask(page, 'a slow answer about a fever');
    await expect.poll(async () => (await answerText(page))?.length ?? 0, { timeout: 5000 }).toBeGreaterThan(100);
    await page.reload(); // the recorder starts afresh with the new page
    await expect.poll(() => statusOf(page), { timeout: 15_000 }).toBe('completed');
    const finalText = (await answerText(page)) ?? '';
    expect(finalText).toMatch(/^A fever/);
    const shownWhileAnswering = (await answerTimeline(page))
      .filter((frame) => frame.status === 'processing' && frame.text)
      .map((frame) => frame.text);
    // The first text shown is the text so far (at least what showed before the reload), not a
    // piece from mid-stream; every text shown is the start of the real answer, never garbled.
    expect(shownWhileAnswering[0]?.length).toBeGreaterThan(100);
    for (const text of shownWhileAnswering) expect(text).toMatch(/^A fever \(38 °C/);
    // And it kept streaming from there, before the answer was complete.
    expect(new Set(shownWhileAnswering).size).toBeGreaterThan(1);
    expect(shownWhileAnswering.at(-1)?.length).toBeGreaterThan(shownWhileAnswering[0]?.length ?? 0);
    await context.close();
  });

  it('scrolls a long thread to each new question', async () => {
    const { page, context } = await openApp(app, { viewport: { width: 390, height: 844 } });
    for (const question of ['Long thread one: headache?', 'Long thread two: fever?', 'Long thread three: cough?']) {
      await ask(page, question);
      await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    }
    const thread = await page.locator('#thread').boundingBox();
    const newest = await lastExchange(page).locator('.answer-meta').boundingBox();
    expect(thread && newest).toBeTruthy();
    if (thread && newest) expect(newest.y + newest.height).toBeLessThanOrEqual(thread.y + thread.height + 1);
    await context.close();
  });
});

describe('access and layout', () => {
  it('works with the keyboard alone, with labelled controls and the disclaimer always visible', async () => {
    const { page, context } = await openApp(app);
    // Start the keyboard journey at the top of the page, as a fresh visit would.
    await page.evaluate(() => {
      document.body.tabIndex = -1;
      document.body.focus();
    });
    await page.keyboard.press('Tab'); // the skip link comes first
    expect(await focusedText(page)).toContain('Skip to the question box');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    await page.keyboard.type('Keyboard question about blood pressure');
    await page.keyboard.press('Enter');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    expect(await page.getByLabel('Your question').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(1);
    expect(await page.locator('.disclaimer').isVisible()).toBe(true);
    expect(await page.locator('.disclaimer').textContent()).toMatch(/Not medical advice.*emergency number/s);
    expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
    await context.close();
  });

  it('fits a phone-sized screen; the disclaimer stays in view while the thread scrolls', async () => {
    const { page, context } = await openApp(app, { viewport: { width: 390, height: 844 } });
    await ask(page, 'Phone question about hydration');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    await ask(page, 'And what about a headache?');
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    for (const scrollTop of [0, 100_000]) {
      await page.locator('#thread').evaluate((thread, top) => {
        thread.scrollTop = top;
      }, scrollTop);
      const disclaimer = await page.locator('.disclaimer').boundingBox();
      expect(disclaimer && disclaimer.y >= 0 && disclaimer.y + disclaimer.height <= 844).toBe(true);
      expect(await page.locator('#composer-input').isVisible()).toBe(true);
    }
    // For the picture: the newest question at the top of the thread.
    await lastExchange(page).evaluate((exchange) => exchange.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chat-phone.png') });
    await context.close();
  });

  it('follows the system colour scheme', async () => {
    const background = async (colorScheme: 'light' | 'dark') => {
      const { page, context } = await openApp(app, { colorScheme });
      const rgb = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      if (colorScheme === 'dark') {
        await ask(page, 'Dark mode question about a cough');
        await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
        await page.screenshot({ path: path.join(SCREENSHOTS, 'chat-dark.png') });
      }
      await context.close();
      const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
      return (r + g + b) / 3;
    };
    expect(await background('light')).toBeGreaterThan(200);
    expect(await background('dark')).toBeLessThan(50);
  });
});
