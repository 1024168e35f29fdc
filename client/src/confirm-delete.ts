/** Asks before a conversation is deleted, in the page's modal dialog (focus starts on Cancel). */
import { byId } from './dom.js';

/** True only when the person chooses Delete; Cancel and Escape say no. */
export function confirmDeletion(title: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('delete-dialog');
  if (dialog.open) return Promise.resolve(false);
  byId('delete-name').textContent = title;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    // Every way out of the dialog ends here: its buttons (method="dialog" forms) and Escape.
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'delete'), { once: true });
    dialog.showModal();
  });
}
