// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown, stableStreamingText } from '../../../client/src/markdown.js';

describe('renderMarkdown', () => {
  it('renders lists, bold, headings and tables', () => {
    const html = renderMarkdown('## Care\n\n- **Rest**\n- Fluids\n\n| a | b |\n| - | - |\n| 1 | 2 |');
    expect(html).toContain('<h2>Care</h2>');
    expect(html).toContain('<strong>Rest</strong>');
    expect(html).toContain('<li>Fluids</li>');
    expect(html).toMatch(/<table>[\s\S]*<td>1<\/td>/);
  });

  it.each([
    ['<script>alert(1)</script>', /<script/i],
    ['<img src=x onerror="alert(1)">', /onerror|<img/i],
    ['[x](javascript:alert(1))', /javascript:/i],
    ['<a href="javascript:alert(1)">x</a>', /javascript:/i],
    ['<iframe src="https://example.com"></iframe>', /<iframe/i],
    ['<p style="color:red" onclick="alert(1)">x</p>', /style=|onclick/i],
    ['<svg><script>alert(1)</script></svg>', /<svg|<script/i],
    ['<form action="https://evil"><button>go</button></form>', /<form|<button/i],
  ])('strips %s', (markdown, forbidden) => {
    expect(renderMarkdown(markdown)).not.toMatch(forbidden);
  });

  it('opens links in a new tab without a handle on the page', () => {
    expect(renderMarkdown('[NHS](https://www.nhs.uk)')).toContain('rel="noopener noreferrer nofollow"');
  });

  it('mid-stream, a trailing "-" or "=" line does not turn the paragraph above into a heading', () => {
    const partial = 'Some advice\n\n**What usually helps**\n-';
    expect(renderMarkdown(partial)).toMatch(/<h2>/); // what marked alone would flash
    expect(renderMarkdown(stableStreamingText(partial))).not.toMatch(/<h[12]>/);
    expect(stableStreamingText('Intro\n===')).toBe('Intro\n');
    expect(stableStreamingText('- one\n- two')).toBe('- one\n- two');
  });
});
