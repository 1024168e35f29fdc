/**
 * Keeps an urgent answer's emergency advice in view without ever covering the answer. The banner
 * sits in the thread above its answer (and is what screen readers hear); once it has scrolled
 * out of the thread's view while its answer is still on screen, the same advice is pinned under
 * the thread in a row of its own: the thread gets shorter, nothing is laid over its text.
 */
import { el } from './dom.js';

export const URGENT_HEADLINE = 'This may be an emergency.';

/** Within this many pixels of the end, the thread follows new content (and a pin appearing). */
const END_SLACK_PX = 80;

export function isNearEnd(thread: HTMLElement): boolean {
  return thread.scrollHeight - thread.scrollTop - thread.clientHeight < END_SLACK_PX;
}

/** The headline and the advice, as the banner and the pin show them. */
export function urgentContent(advice: string): Node[] {
  // dir=auto: the advice comes in the question's language, whichever that is.
  return [
    el('strong', { text: URGENT_HEADLINE }),
    document.createTextNode(' '),
    el('span', { className: 'urgent-advice', text: advice, attrs: { dir: 'auto' } }),
  ];
}

interface Tracked {
  banner: HTMLElement;
  answer: HTMLElement;
  advice: string;
}

export class UrgentPin {
  private readonly tracked: Tracked[] = [];
  private readonly inView = new Set<Element>();
  private readonly observer: IntersectionObserver;
  private shown: Tracked | undefined;

  constructor(
    private readonly thread: HTMLElement,
    private readonly pin: HTMLElement,
  ) {
    this.observer = new IntersectionObserver((entries) => this.seen(entries), { root: thread, threshold: [0, 1] });
  }

  track(banner: HTMLElement, answer: HTMLElement, advice: string): void {
    this.tracked.push({ banner, answer, advice });
    this.observer.observe(banner);
    this.observer.observe(answer);
  }

  /** The thread was emptied (another conversation). */
  clear(): void {
    this.observer.disconnect();
    this.tracked.length = 0;
    this.inView.clear();
    this.show(undefined);
  }

  private seen(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const isBanner = this.tracked.some((t) => t.banner === entry.target);
      // A banner counts only whole: a sliver of it is no readable advice. An answer counts at all.
      const visible = isBanner ? entry.intersectionRatio > 0.99 : entry.isIntersecting;
      if (visible) this.inView.add(entry.target);
      else this.inView.delete(entry.target);
    }
    // The answer on screen with its banner out of view: the banner is above, scrolled past.
    const read = this.tracked.filter((t) => this.inView.has(t.answer) && !this.inView.has(t.banner));
    this.show(read.at(-1));
  }

  private show(next: Tracked | undefined): void {
    if (next === this.shown) return;
    const following = isNearEnd(this.thread);
    this.shown = next;
    this.pin.hidden = next === undefined;
    this.pin.replaceChildren(...(next ? urgentContent(next.advice) : []));
    // The pin takes room from the thread's bottom: a reader at the end stays at the end.
    if (following) this.thread.scrollTop = this.thread.scrollHeight;
  }
}
