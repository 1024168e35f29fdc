/**
 * The chat: a thread of questions and answers that stream in, the composer, the list of the
 * person's recent conversations (kept in this browser), and the current one's menu.
 */

import type { AskResponse } from '../../shared/rest.js';
import type { MessageCurrentState, MessageDeltaEvent } from '../../shared/socket-events.js';
import { ApiError, api, tokens } from './api.js';
import { ConversationActions, type CurrentConversation } from './conversation-actions.js';
import { ConversationsStore } from './conversations-store.js';
import { announce, byId, el } from './dom.js';
import type { LiveUpdates } from './live.js';
import { renderMarkdown } from './markdown.js';
import {
  type ActionsKind,
  actionsKindOf,
  applyDelta,
  applyPartial,
  applyStatus,
  isFinished,
  type MessageView,
  newMessageView,
  statusLabel,
  visibleText,
} from './message-view.js';
import { TabSync } from './tab-sync.js';
import { askForToken } from './token-dialog.js';
import { isNearEnd, UrgentPin, urgentContent } from './urgent-pin.js';

const CURRENT_KEY = 'medchat.currentConversation';

interface Exchange {
  view: MessageView;
  root: HTMLElement;
  /** The emergency banner, once the message is urgent (it may become so after its answer). */
  banner: HTMLElement | undefined;
  answer: HTMLElement;
  body: HTMLElement;
  status: HTMLElement;
  actions: HTMLElement;
  error: HTMLElement;
  /** Which buttons are shown; they are rebuilt only when this changes, so focus and clicks survive streaming. */
  actionsKind: ActionsKind;
  renderScheduled: boolean;
}

export class Chat {
  private readonly store = new ConversationsStore(localStorage);
  private readonly exchanges = new Map<string, Exchange>();
  private conversationId: string | null = localStorage.getItem(CURRENT_KEY);
  private readonly thread = byId('thread');
  private readonly urgentPin = new UrgentPin(this.thread, byId('urgent-pin'));
  private readonly input = byId<HTMLTextAreaElement>('composer-input');
  private live!: LiveUpdates;
  private readonly tabs = new TabSync({
    conversationDeleted: (conversationId) => this.conversationDeleted(conversationId),
    listChanged: () => this.renderConversationList(),
  });
  private readonly actions = new ConversationActions({
    current: () => this.current(),
    deleted: (conversationId) => {
      this.conversationDeleted(conversationId);
      this.tabs.conversationDeleted(conversationId);
    },
    authorize: () => this.requestToken(),
  });

  attach(live: LiveUpdates): void {
    this.live = live;
    byId('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.send();
      }
    });
    this.input.addEventListener('input', () => this.autosize());
    byId('new-conversation').addEventListener('click', () => this.startNew());
    for (const button of document.querySelectorAll<HTMLButtonElement>('.example')) {
      button.addEventListener('click', () => {
        this.input.value = button.textContent ?? '';
        void this.send();
      });
    }
    this.renderConversationList();
    if (this.conversationId) void this.open(this.conversationId);
  }

  // --- events from the server ---------------------------------------------------------------

  /** A status event, or a current state (which may carry the text so far). */
  onStatus(event: MessageCurrentState): void {
    const exchange = this.exchanges.get(event.messageId);
    if (!exchange) return;
    const before = exchange.view;
    exchange.view = applyStatus(before, event);
    if (event.partial) exchange.view = applyPartial(exchange.view, event.partial);
    this.render(exchange);
    if (isFinished(exchange.view) && !isFinished(before)) {
      this.live.unwatch(event.messageId);
      announce(this.finishedAnnouncement(exchange));
    }
  }

  /** What a screen reader hears when an answer ends: the rendered words, never raw Markdown. */
  private finishedAnnouncement(exchange: Exchange): string {
    const { view } = exchange;
    if (view.status === 'completed') return `MedChat answered: ${(exchange.body.textContent ?? '').slice(0, 300)}`;
    return view.cancelled ? 'The answer was stopped.' : `MedChat could not answer: ${view.error ?? ''}`;
  }

  /** The conversation was deleted: here, in another tab, or anywhere while this tab followed one of its answers. */
  conversationDeleted(conversationId: string): void {
    this.store.remove(conversationId);
    if (conversationId === this.conversationId) this.startNew();
    else this.renderConversationList();
  }

  /** A followed answer is no longer on the server: its conversation, the current one, was deleted. */
  messageGone(messageId: string): void {
    if (this.exchanges.has(messageId) && this.conversationId) this.conversationDeleted(this.conversationId);
  }

  onDelta(event: MessageDeltaEvent): void {
    const exchange = this.exchanges.get(event.messageId);
    if (!exchange) return;
    exchange.view = applyDelta(exchange.view, event);
    this.scheduleRender(exchange);
  }

  // --- asking -------------------------------------------------------------------------------

  /**
   * Asks `question`. The idempotency key names this question: the socket ask and its REST
   * fallback or retry carry the same one, so the server writes it once.
   */
  private async send(question = this.input.value.trim(), idempotencyKey = crypto.randomUUID()): Promise<void> {
    if (!question) return;
    this.input.value = '';
    this.autosize();
    byId('empty-state').hidden = true;
    const pending = this.addExchange(newMessageView(`local-${crypto.randomUUID()}`, question));
    pending.status.textContent = 'Sending…';
    // The person just asked: show the question, wherever they had scrolled to.
    this.scrollToEnd();
    let answer: AskResponse;
    try {
      answer = await this.live.ask(question, this.conversationId ?? undefined, idempotencyKey);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && (await this.requestToken())) {
        pending.root.remove();
        return this.send(question, idempotencyKey);
      }
      if (error instanceof ApiError && error.status === 404 && this.conversationId) {
        // The conversation is gone (retention): start a new one with this question (a new
        // request, so a new key: the old one names the question in the old conversation).
        this.store.remove(this.conversationId);
        this.setConversation(null);
        pending.root.remove();
        return this.send(question);
      }
      pending.view = { ...pending.view, status: 'failed', error: (error as Error).message };
      this.render(pending);
      return;
    }
    this.exchanges.delete(pending.view.messageId);
    pending.view = { ...pending.view, messageId: answer.messageId, urgentAdvice: answer.urgentAdvice };
    pending.root.dataset.messageId = answer.messageId;
    this.exchanges.set(answer.messageId, pending);
    this.setConversation(answer.conversationId);
    this.store.addMessage(answer.conversationId, answer.messageId, question);
    this.renderConversationList();
    // The banner (role="alert") announces the urgent advice itself.
    this.render(pending);
  }

  private async requestToken(): Promise<boolean> {
    const token = await askForToken('This MedChat server asks for an access token.');
    if (!token) return false;
    tokens.setApi(token);
    this.live.tokenChanged();
    return true;
  }

  // --- conversations ------------------------------------------------------------------------

  private startNew(): void {
    this.setConversation(null);
    this.clearThread();
    byId('empty-state').hidden = false;
    this.renderConversationList();
    this.input.focus();
  }

  private async open(conversationId: string): Promise<void> {
    this.setConversation(conversationId);
    this.clearThread();
    this.renderConversationList();
    try {
      const conversation = await api.conversation(conversationId);
      byId('empty-state').hidden = conversation.messages.length > 0;
      for (const message of conversation.messages) {
        const exchange = this.addExchange(newMessageView(message.messageId, message.question, message.urgentAdvice));
        exchange.view = applyStatus(exchange.view, message);
        this.render(exchange);
        if (!isFinished(exchange.view)) this.live.watch(message.messageId);
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && (await this.requestToken()))
        return this.open(conversationId);
      if (error instanceof ApiError && error.status === 404) {
        this.store.remove(conversationId);
        this.startNew();
        return;
      }
      byId('empty-state').hidden = false;
    }
  }

  private current(): CurrentConversation | null {
    const conversationId = this.conversationId;
    if (!conversationId) return null;
    return { conversationId, title: this.store.get(conversationId)?.title ?? 'This conversation' };
  }

  private setConversation(conversationId: string | null): void {
    this.conversationId = conversationId;
    if (conversationId) localStorage.setItem(CURRENT_KEY, conversationId);
    else localStorage.removeItem(CURRENT_KEY);
  }

  private clearThread(): void {
    this.urgentPin.clear();
    for (const exchange of this.exchanges.values()) {
      exchange.root.remove();
      if (!isFinished(exchange.view)) this.live.unwatch(exchange.view.messageId);
    }
    this.exchanges.clear();
  }

  private renderConversationList(): void {
    this.actions.show(this.current());
    const list = byId('conversation-list');
    list.replaceChildren(
      ...this.store.list().map((conversation) => {
        const button = el('button', { text: conversation.title, attrs: { type: 'button', title: conversation.title } });
        if (conversation.conversationId === this.conversationId) button.setAttribute('aria-current', 'true');
        button.addEventListener('click', () => {
          if (conversation.conversationId) void this.open(conversation.conversationId);
        });
        return el('li', {}, [button]);
      }),
    );
  }

  // --- rendering ----------------------------------------------------------------------------

  private addExchange(view: MessageView): Exchange {
    const body = el('div', { className: 'answer-body markdown' });
    const status = el('span', { className: 'status' });
    const actions = el('span', { className: 'actions' });
    const error = el('p', { className: 'error-text', attrs: { hidden: '' } });
    const answer = el('div', { className: 'answer', attrs: { 'aria-label': 'Answer' } }, [
      body,
      error,
      el('div', { className: 'answer-meta' }, [status, actions]),
    ]);
    const root = el('article', { className: 'exchange', attrs: { 'data-message-id': view.messageId } }, [
      el('div', { className: 'question', text: view.question }),
      answer,
    ]);
    this.thread.append(root);
    const exchange: Exchange = {
      view,
      root,
      banner: undefined,
      answer,
      body,
      status,
      actions,
      error,
      actionsKind: 'none',
      renderScheduled: false,
    };
    this.exchanges.set(view.messageId, exchange);
    this.render(exchange);
    return exchange;
  }

  private scheduleRender(exchange: Exchange): void {
    if (exchange.renderScheduled) return;
    exchange.renderScheduled = true;
    requestAnimationFrame(() => {
      exchange.renderScheduled = false;
      this.render(exchange);
    });
  }

  private render(exchange: Exchange): void {
    const { view } = exchange;
    const stick = isNearEnd(this.thread);
    if (view.urgentAdvice && !exchange.banner) this.showBanner(exchange, view.urgentAdvice);
    const text = visibleText(view);
    exchange.body.innerHTML = text ? renderMarkdown(text) : '';
    exchange.status.textContent = statusLabel(view);
    exchange.status.dataset.status = view.status;
    exchange.root.dataset.status = view.status;
    exchange.error.hidden = view.status !== 'failed' || Boolean(view.cancelled);
    // A plain headline first: the reason after it may be a provider's technical wording.
    exchange.error.replaceChildren(
      el('strong', { text: 'Sorry, MedChat could not answer this question.' }),
      ` ${view.error ?? ''}`,
    );
    const kind = actionsKindOf(view);
    if (kind !== exchange.actionsKind) {
      const hadFocus = exchange.actions.contains(document.activeElement);
      exchange.actionsKind = kind;
      exchange.actions.replaceChildren(...this.actionsFor(exchange, kind));
      // Stop turned into Try again (or went away): keep a keyboard user's place.
      if (hadFocus) (exchange.actions.querySelector('button') ?? this.input).focus();
    }
    if (stick) this.scrollToEnd();
  }

  /**
   * The banner goes between the question and its answer, in the flow (never over the text), when
   * the advice arrives: an alert added to the page is what screen readers announce, also when the
   * model's second opinion raises it later.
   */
  private showBanner(exchange: Exchange, advice: string): void {
    const banner = el('div', { className: 'urgent-banner', attrs: { role: 'alert' } }, urgentContent(advice));
    exchange.answer.before(banner);
    exchange.banner = banner;
    this.urgentPin.track(banner, exchange.answer, advice);
  }

  private scrollToEnd(): void {
    this.thread.scrollTop = this.thread.scrollHeight;
  }

  private actionsFor(exchange: Exchange, kind: ActionsKind): HTMLElement[] {
    if (kind === 'retry') return [this.retryButton(exchange)];
    if (kind === 'none') return [];
    const stop = el('button', {
      className: 'danger',
      text: 'Stop',
      attrs: { type: 'button', 'aria-label': 'Stop this answer' },
    });
    // aria-disabled, not disabled: a disabled button drops keyboard focus to the page's start.
    stop.addEventListener('click', () => {
      if (stop.getAttribute('aria-disabled') === 'true') return;
      stop.setAttribute('aria-disabled', 'true');
      api.cancel(exchange.view.messageId).catch(() => stop.removeAttribute('aria-disabled'));
    });
    return [stop];
  }

  private retryButton(exchange: Exchange): HTMLElement {
    const retry = el('button', { className: 'secondary', text: 'Try again', attrs: { type: 'button' } });
    // Asking again after a failed answer is a new question: send() gives it a new key.
    retry.addEventListener('click', () => void this.send(exchange.view.question));
    return retry;
  }

  private autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 192)}px`;
  }
}
