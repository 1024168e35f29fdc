/**
 * A menu button (the WAI-ARIA pattern): Enter, Space or ↓ opens it on its first item, ↑ on its
 * last; ↑/↓/Home/End move between items; Enter or a click chooses; Escape closes it with focus
 * back on the button, and Tab or a click elsewhere closes it.
 */
export class MenuButton {
  private readonly items: HTMLButtonElement[];

  constructor(
    private readonly button: HTMLButtonElement,
    private readonly menu: HTMLElement,
    choose: (action: string) => void,
  ) {
    this.items = [...menu.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
    button.addEventListener('click', () => (this.isOpen ? this.close(true) : this.open(0)));
    button.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      event.preventDefault();
      this.open(event.key === 'ArrowDown' ? 0 : this.items.length - 1);
    });
    menu.addEventListener('keydown', (event) => this.onMenuKey(event));
    for (const item of this.items) {
      item.addEventListener('click', () => {
        this.close(false);
        choose(item.dataset.action ?? '');
      });
    }
    document.addEventListener('pointerdown', (event) => {
      const target = event.target as Node;
      if (this.isOpen && !menu.contains(target) && !button.contains(target)) this.close(false);
    });
    menu.addEventListener('focusout', (event) => {
      const next = event.relatedTarget as Node | null;
      if (this.isOpen && next && !menu.contains(next) && next !== button) this.close(false);
    });
  }

  get isOpen(): boolean {
    return !this.menu.hidden;
  }

  open(index: number): void {
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.items[index]?.focus();
  }

  close(focusButton: boolean): void {
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (focusButton) this.button.focus();
  }

  private onMenuKey(event: KeyboardEvent): void {
    const current = this.items.indexOf(document.activeElement as HTMLButtonElement);
    const last = this.items.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: current >= last ? 0 : current + 1,
      ArrowUp: current <= 0 ? last : current - 1,
      Home: 0,
      End: last,
    };
    if (event.key in moves) {
      event.preventDefault();
      this.items[moves[event.key] ?? 0]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.close(true);
    } else if (event.key === 'Tab') {
      this.close(false);
    }
  }
}
