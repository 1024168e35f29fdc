/** The MedChat web app: the chat and the live dashboard, switched by the URL's hash. */

import { tokens } from './api.js';
import { Chat } from './chat.js';
import { byId } from './dom.js';
import { type LiveMode, LiveUpdates } from './live.js';
import { askForToken } from './token-dialog.js';

const chat = new Chat();
// The dashboard (and its chart library) loads only when first shown: the chat alone stays small.
let dashboard: Promise<{ start(): void }> | undefined;
function showDashboard(): void {
  dashboard ??= import('./dashboard.js').then(({ Dashboard }) => new Dashboard());
  dashboard.then(
    (view) => view.start(),
    () => {
      dashboard = undefined; // the download failed (offline?): try again next time it is shown
    },
  );
}
const connection = byId('connection');

const MODE_TEXT: Record<LiveMode, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Polling (live link unavailable)',
};

const live = new LiveUpdates({
  status: (event) => chat.onStatus(event),
  delta: (event) => chat.onDelta(event),
  conversationDeleted: (conversationId) => chat.conversationDeleted(conversationId),
  messageGone: (messageId) => chat.messageGone(messageId),
  mode: (mode) => {
    connection.dataset.mode = mode;
    connection.textContent = MODE_TEXT[mode];
  },
  unauthorized: async () => {
    const token = await askForToken('This MedChat server asks for an access token.');
    if (token) tokens.setApi(token);
  },
});
chat.attach(live);

function route(): void {
  const view = location.hash.startsWith('#/dashboard') ? 'dashboard' : 'chat';
  byId('chat-view').hidden = view !== 'chat';
  byId('dashboard-view').hidden = view !== 'dashboard';
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.views a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (view === 'dashboard') showDashboard();
  else byId('composer-input').focus();
}
window.addEventListener('hashchange', route);
route();
