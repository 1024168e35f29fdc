/** Asks for the access token when the server requires one (API_TOKEN / MONITOR_TOKEN). */
import { byId } from './dom.js';

let open: Promise<string | undefined> | undefined;

export function askForToken(reason: string): Promise<string | undefined> {
  open ??= new Promise((resolve) => {
    const dialog = byId<HTMLDialogElement>('token-dialog');
    const input = byId<HTMLInputElement>('token-input');
    byId('token-reason').textContent = reason;
    input.value = '';
    const finish = (token: string | undefined) => {
      dialog.close();
      open = undefined;
      resolve(token);
    };
    byId('token-form').onsubmit = (event) => {
      event.preventDefault();
      if (input.value.trim()) finish(input.value.trim());
    };
    byId('token-cancel').onclick = () => finish(undefined);
    dialog.showModal();
    input.focus();
  });
  return open;
}
