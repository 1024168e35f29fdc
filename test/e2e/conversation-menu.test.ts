/**
 * The current conversation's menu in a real browser (issue 17): export as Markdown and as JSON
 * (files downloaded with every turn), and delete after a confirmation dialog, with the mouse and
 * with the keyboard; the conversation then goes from every open tab of the browser
 * (BroadcastChannel) and from tabs elsewhere that follow one of its answers (the socket event, or
 * the answer found gone while polling).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Conversation, conversationExportSchema, NOT_MEDICAL_ADVICE_NOTICE } from '../../shared/rest.js';
import { messageRoom } from '../../shared/socket-names.js';
import { getJson } from '../helpers/http.js';
import { appUnderTestForFile, ask, lastExchange, openApp, statusOf } from './app-under-test.js';
import { SCREENSHOTS } from './browser.js';

const app = appUnderTestForFile();

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
const listed = (page: Page) => page.locator('.conversation-list button').allTextContents();
const questions = (page: Page) => page.locator('.exchange .question').allTextContents();
const currentConversation = (page: Page) =>
  page.evaluate(() => localStorage.getItem('medchat.currentConversation') ?? '');
const optionsButton = (page: Page) => page.getByRole('button', { name: 'Conversation options' });

async function askAndWait(page: Page, question: string): Promise<void> {
  await ask(page, question);
  await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('completed');
}

/** The conversation as the server has it. */
async function serverConversation(conversationId: string): Promise<Conversation> {
  const { status, body } = await getJson(app.service.url, `/api/conversations/${conversationId}`);
  expect(status).toBe(200);
  return body as Conversation;
}

describe('export', () => {
  it('downloads the conversation as Markdown (mouse) and as JSON (keyboard), every turn in each', async () => {
    const { page, context, problems } = await openApp(app);
    await askAndWait(page, 'Export me: what helps a cough?');
    await askAndWait(page, 'And a sore throat?');
    expect(await page.locator('#conversation-title').textContent()).toBe('Export me: what helps a cough?');
    const conversation = await serverConversation(await currentConversation(page));
    const answers = conversation.messages.map((message) => message.response ?? '');
    expect(answers.every((answer) => answer.length > 50)).toBe(true);

    await optionsButton(page).click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'conversation-menu.png') });
    const [markdownFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'Export as Markdown' }).click(),
    ]);
    const shortId = conversation.conversationId.slice(0, 8);
    expect(markdownFile.suggestedFilename()).toMatch(
      new RegExp(`^medchat-conversation-\\d{4}-\\d{2}-\\d{2}-${shortId}\\.md$`),
    );
    const markdown = await fs.readFile(await markdownFile.path(), 'utf8');
    expect(markdown).toContain(NOT_MEDICAL_ADVICE_NOTICE);
    expect(markdown).toContain('> Export me: what helps a cough?');
    expect(markdown).toContain('> And a sore throat?');
    for (const answer of answers) expect(markdown).toContain(answer);
    expect(await page.getByRole('menu').isHidden()).toBe(true);
    expect(await page.locator('#conversation-notice').textContent()).toBe(`Saved ${markdownFile.suggestedFilename()}`);

    // The keyboard: ↓ opens the menu on its first item, ↓ moves, Enter chooses.
    await optionsButton(page).focus();
    await page.keyboard.press('ArrowDown');
    expect(await focusedText(page)).toBe('Export as Markdown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedText(page)).toBe('Export as JSON');
    const [jsonFile] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(jsonFile.suggestedFilename()).toBe(markdownFile.suggestedFilename().replace(/\.md$/, '.json'));
    const exported = conversationExportSchema.parse(JSON.parse(await fs.readFile(await jsonFile.path(), 'utf8')));
    expect(exported.messages.map((m) => [m.question, m.status, m.response])).toEqual([
      ['Export me: what helps a cough?', 'completed', answers[0]],
      ['And a sore throat?', 'completed', answers[1]],
    ]);
    expect(exported.notice).toBe(NOT_MEDICAL_ADVICE_NOTICE);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('delete', () => {
  it('asks first (Escape keeps it), then removes the conversation in both open tabs and shows a new one', async () => {
    const { page, context, problems } = await openApp(app);
    await askAndWait(page, 'Keep me: how much water a day?');
    await page.getByRole('button', { name: 'New' }).click();
    expect(await page.locator('#conversation-bar').isHidden()).toBe(true); // nothing to act on yet
    await askAndWait(page, 'Delete me: is coffee bad for me?');
    const conversationId = await currentConversation(page);
    // A second tab of the same browser opens on the same conversation (the stored one).
    const other = await context.newPage();
    await other.goto(app.service.url);
    await expect.poll(() => questions(other), { timeout: 10_000 }).toEqual(['Delete me: is coffee bad for me?']);
    for (const tab of [page, other]) {
      expect(await listed(tab)).toEqual(['Delete me: is coffee bad for me?', 'Keep me: how much water a day?']);
    }

    // The dialog: a real modal, focus on Cancel; Escape keeps the conversation.
    await optionsButton(page).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('“Delete me: is coffee bad for me?”');
    expect(await focusedText(page)).toBe('Cancel');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'delete-dialog.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // Focus goes back on the dialog's close event, which comes a task after it is hidden.
    await expect.poll(() => focusedText(page)).toBe('Options');
    expect(await questions(page)).toEqual(['Delete me: is coffee bad for me?']);
    await serverConversation(conversationId);

    // From the keyboard: ↑ opens the menu on its last item (Delete…), then the dialog's Delete.
    await page.keyboard.press('ArrowUp');
    expect(await focusedText(page)).toBe('Delete…');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focusedText(page)).toBe('Delete');
    await page.keyboard.press('Enter');

    for (const tab of [page, other]) {
      await expect.poll(() => listed(tab), { timeout: 10_000 }).toEqual(['Keep me: how much water a day?']);
      expect(await tab.locator('.exchange').count()).toBe(0);
      expect(await tab.locator('#empty-state').isVisible()).toBe(true);
      expect(await tab.locator('#conversation-bar').isHidden()).toBe(true);
    }
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    expect((await getJson(app.service.url, `/api/conversations/${conversationId}`)).status).toBe(404);
    // The new conversation is a new one: its first question starts it.
    await askAndWait(page, 'A fresh start');
    expect(await currentConversation(page)).not.toBe(conversationId);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tabs elsewhere that follow one of its answers drop it: over the socket, or polling', async () => {
    const question = 'Please hang: what about a rash?'; // never answered until stopped
    const asker = await openApp(app);
    await ask(asker.page, question);
    await expect.poll(() => lastExchange(asker.page).getAttribute('data-message-id')).not.toMatch(/^local-/);
    const messageId = (await lastExchange(asker.page).getAttribute('data-message-id')) ?? '';
    const conversationId = await currentConversation(asker.page);
    // Other browsers (no shared storage, no BroadcastChannel) with the conversation open; one
    // cannot open a socket, so it polls.
    const watcher = await openApp(app);
    const poller = await openApp(app, { blockSocket: true });
    for (const { page } of [watcher, poller]) {
      await page.evaluate(
        ({ id, message, title }) => {
          localStorage.setItem('medchat.currentConversation', id);
          const stored = [
            { conversationId: id, title, updatedAt: Date.now(), messages: [{ messageId: message, question: title }] },
          ];
          localStorage.setItem('medchat.conversations.v1', JSON.stringify(stored));
        },
        { id: conversationId, message: messageId, title: question },
      );
      await page.reload();
      await expect.poll(() => questions(page), { timeout: 10_000 }).toEqual([question]);
    }
    // Two tabs follow the answer on the server (its room), so both are told; the third asks for it.
    const followers = () => app.service.sockets.io.of('/').adapter.rooms.get(messageRoom(messageId))?.size ?? 0;
    await expect.poll(followers, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => poller.requests.includes(`GET /api/chat/${messageId}`), { timeout: 10_000 }).toBe(true);

    const deleted = await fetch(`${app.service.url}/api/conversations/${conversationId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    for (const { page } of [watcher, asker, poller]) {
      await expect.poll(() => page.locator('.exchange').count(), { timeout: 10_000 }).toBe(0);
      expect(await listed(page)).toEqual([]);
      expect(await page.locator('#empty-state').isVisible()).toBe(true);
    }
    expect([...asker.problems, ...watcher.problems, ...poller.problems]).toEqual([]);
    await Promise.all([asker.context.close(), watcher.context.close(), poller.context.close()]);
  });
});
