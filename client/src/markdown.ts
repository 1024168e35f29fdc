/**
 * Model answers are Markdown (lists, bold, headings, tables), rendered with marked and then
 * sanitized with DOMPurify: a hostile answer (<script>, onerror=, javascript: links) runs nothing.
 */
import DOMPurify from 'dompurify';
import { marked } from 'marked';

marked.setOptions({ gfm: true, breaks: false });

let hooked = false;
function hookLinks(): void {
  if (hooked) return;
  hooked = true;
  // Links open in a new tab without giving it a handle on this page.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

export function renderMarkdown(text: string): string {
  hookLinks();
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'img', 'svg', 'math'],
    // Inline styles would be refused by the Content-Security-Policy anyway.
    FORBID_ATTR: ['style'],
  });
}

/**
 * Mid-stream, a last line of only "-" or "=" (the start of a list item or a rule) would turn the
 * paragraph above it into a heading for a moment (a setext heading); leave that line out until
 * more text arrives.
 */
export function stableStreamingText(text: string): string {
  return text.replace(/\n[ \t]*[-=]+[ \t]*$/, '\n');
}
