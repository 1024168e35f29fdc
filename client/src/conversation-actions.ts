/**
 * The current conversation's bar: its title and its menu, to take it away as a file (Markdown or
 * JSON) or to delete it, after asking, from the server for good.
 */
import type { ConversationExportFormat } from '../../shared/rest.js';
import { ApiError, api } from './api.js';
import { confirmDeletion } from './confirm-delete.js';
import { announce, byId, el } from './dom.js';
import { MenuButton } from './menu-button.js';

export interface CurrentConversation {
  conversationId: string;
  title: string;
}

export interface ConversationActionsDeps {
  current(): CurrentConversation | null;
  /** Deleted on the server (or found gone there): forget it. */
  deleted(conversationId: string): void;
  /** The server asks for a token: true once one is stored. */
  authorize(): Promise<boolean>;
}

/** Hands a downloaded file to the browser, which saves it under its name. */
function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = el('a', { attrs: { href: url, download: fileName, hidden: '' } });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the download reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export class ConversationActions {
  private readonly bar = byId('conversation-bar');
  private readonly title = byId('conversation-title');
  private readonly notice = byId('conversation-notice');
  private readonly menuButton = byId<HTMLButtonElement>('conversation-menu-button');

  constructor(private readonly deps: ConversationActionsDeps) {
    new MenuButton(this.menuButton, byId('conversation-menu'), (action) => void this.run(action));
  }

  /** The bar for the current conversation; hidden when there is none yet (a new conversation). */
  show(current: CurrentConversation | null): void {
    this.bar.hidden = current === null;
    if (this.title.textContent !== (current?.title ?? '')) this.notice.textContent = '';
    this.title.textContent = current?.title ?? '';
  }

  private async run(action: string): Promise<void> {
    const current = this.deps.current();
    if (!current) return;
    this.notice.textContent = '';
    try {
      if (action === 'delete') await this.delete(current);
      else await this.export(current.conversationId, action === 'export-json' ? 'json' : 'markdown');
    } catch (error) {
      const what = action === 'delete' ? 'delete' : 'export';
      this.notice.textContent = `Could not ${what} this conversation. ${(error as Error).message}`;
    }
  }

  private async export(conversationId: string, format: ConversationExportFormat): Promise<void> {
    const { blob, fileName } = await this.authorized(() => api.exportConversation(conversationId, format));
    saveFile(blob, fileName);
    this.notice.textContent = `Saved ${fileName}`;
  }

  private async delete({ conversationId, title }: CurrentConversation): Promise<void> {
    if (!(await confirmDeletion(title))) {
      this.menuButton.focus();
      return;
    }
    try {
      await this.authorized(() => api.deleteConversation(conversationId));
    } catch (error) {
      // Already gone (another tab, another device, retention): forgotten here all the same.
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    this.deps.deleted(conversationId);
    announce('The conversation was deleted.');
  }

  /** The request, asked again once after the person gives a token the server wanted. */
  private async authorized<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && (await this.deps.authorize())) return request();
      throw error;
    }
  }
}
