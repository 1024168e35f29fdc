/** Asks for the access token when the server requires one (API_TOKEN / MONITOR_TOKEN). */
import { byId } from './dom.js';

let open: Promise<string | undefined> | undefined;

/** Resolves with the token, or undefined when the person cancels (button or Escape). */
export function askForToken(reason: string): Promise<string | undefined> {
  open ??= new Promise((resolve) => {
    const dialog = byId<HTMLDialogElement>('token-dialog');
    const input = byId<HTMLInputElement>('token-input');
    byId('token-reason').textContent = reason;
    input.value = '';
    let token: string | undefined;
    // Every way out of the dialog ends here, Escape included, so no caller waits forever.
    dialog.addEventListener(
      'close',
      () => {
        open = undefined;
        resolve(token);
      },
      { once: true },
    );
    byId('token-form').onsubmit = (event) => {
      event.preventDefault();
      if (!input.value.trim()) return;
      token = input.value.trim();
      dialog.close();
    };
    byId('token-cancel').onclick = () => dialog.close();
    dialog.showModal();
    input.focus();
  });
  return open;
}
