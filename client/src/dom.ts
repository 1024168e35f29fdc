/** Small DOM helpers: find required elements, build elements without innerHTML for text. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** Tells screen readers something once (the page's aria-live region). */
export function announce(message: string): void {
  const region = byId('announcer');
  region.textContent = '';
  // A fresh text node after a tick makes every screen reader read it, even the same text twice.
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}
