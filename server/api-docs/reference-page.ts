/**
 * The reference page at /api/docs: Swagger UI (from the swagger-ui-dist package, served by the
 * service itself) renders the OpenAPI document; a small script of ours lists the live API from
 * the AsyncAPI document. Under the service's Content-Security-Policy: every script and style is
 * a file of this origin, nothing inline.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export const REFERENCE_PAGE_PATH = '/api/docs';

const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** A file the page loads: its text (ours) or its place in the package. */
export type ReferenceFile = { contentType: string } & ({ text: string } | { file: string });

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>MedChat API reference</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${REFERENCE_PAGE_PATH}/swagger-ui.css" />
    <link rel="stylesheet" href="${REFERENCE_PAGE_PATH}/reference.css" />
  </head>
  <body>
    <header class="reference-head">
      <a class="back" href="/">MedChat</a>
      <h1>API reference</h1>
      <nav aria-label="Documents">
        <a href="/api/openapi.json">OpenAPI 3.1 (REST)</a>
        <a href="/api/asyncapi.json">AsyncAPI 3.0 (live)</a>
      </nav>
    </header>
    <main>
      <section id="rest" aria-label="REST API"><p class="loading">Loading the REST API…</p></section>
      <section id="live" class="live" aria-labelledby="live-title">
        <h2 id="live-title">Live API: Socket.IO and Server-Sent Events</h2>
        <p class="loading">Loading the live API…</p>
      </section>
    </main>
    <script src="${REFERENCE_PAGE_PATH}/swagger-ui-bundle.js"></script>
    <script src="${REFERENCE_PAGE_PATH}/reference.js"></script>
  </body>
</html>
`;

const STYLE = `body { margin: 0; font-family: system-ui, sans-serif; background: #fafafa; color: #1f2933; }
.reference-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1rem; padding: 0.8rem 1.25rem; background: #fff; border-bottom: 1px solid #d9dee3; }
.reference-head h1 { margin: 0; font-size: 1.3rem; }
.reference-head nav { display: flex; gap: 1rem; margin-left: auto; }
.reference-head a { color: #0b63b6; }
.back { font-weight: 800; text-decoration: none; }
main { max-width: 1460px; margin: 0 auto; }
.live { padding: 0 20px 3rem; }
.live h2 { font-size: 1.5rem; margin: 2rem 0 0.5rem; }
.live h3 { font-size: 1.1rem; margin: 1.5rem 0 0.25rem; }
.live table { border-collapse: collapse; width: 100%; background: #fff; }
.live th, .live td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border: 1px solid #d9dee3; }
.live code { font-size: 0.9em; }
.live pre { margin: 0.3rem 0 0; max-height: 24rem; overflow: auto; background: #f3f5f7; padding: 0.5rem; }
.loading { color: #52606d; }
.error { color: #b42318; }
`;

/** Plain browser JavaScript: Swagger UI on the OpenAPI document, then the AsyncAPI document as tables. */
const SCRIPT = `'use strict';
(function () {
  document.querySelector('#rest .loading').remove();
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#rest',
    deepLinking: true,
    filter: true,
    docExpansion: 'list',
    displayRequestDuration: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // A reference may lead to another (an operation's message → the channel's → the component).
  function resolve(doc, ref) {
    const node = ref.replace(/^#\\//, '').split('/').reduce(function (at, key) { return at && at[key]; }, doc);
    return node && node.$ref ? resolve(doc, node.$ref) : node;
  }

  function payloadCell(doc, message) {
    const cell = element('td');
    const ref = message.payload && message.payload.$ref;
    const details = element('details');
    details.appendChild(element('summary', ref ? ref.split('/').pop() : 'payload'));
    details.appendChild(element('pre', JSON.stringify(ref ? resolve(doc, ref) : message.payload, null, 2)));
    cell.appendChild(details);
    return cell;
  }

  function operationRow(doc, operation) {
    const row = element('tr');
    const message = resolve(doc, operation.messages[0].$ref);
    row.appendChild(element('td', operation.action === 'receive' ? 'client → server' : 'server → client'));
    row.appendChild(element('td')).appendChild(element('code', message.name));
    row.appendChild(payloadCell(doc, message));
    const reply = operation.reply ? resolve(doc, operation.reply.messages[0].$ref) : undefined;
    row.appendChild(reply ? payloadCell(doc, reply) : element('td', '—'));
    return row;
  }

  function channelSection(doc, id, channel, operations) {
    const section = element('section');
    section.id = 'live-' + id;
    section.appendChild(element('h3', channel.title + ' (' + channel.address + ')'));
    if (channel.description) section.appendChild(element('p', channel.description.replace(/\`/g, '')));
    const table = element('table');
    const head = table.appendChild(element('tr'));
    ['direction', 'event', 'payload', 'acknowledgement'].forEach(function (name) { head.appendChild(element('th', name)); });
    operations.forEach(function (operation) {
      operation.messages.forEach(function (ref) {
        table.appendChild(operationRow(doc, Object.assign({}, operation, { messages: [ref] })));
      });
    });
    section.appendChild(table);
    return section;
  }

  function renderLive(doc) {
    const live = document.getElementById('live');
    live.querySelector('.loading').remove();
    live.appendChild(element('p', doc.info.description.replace(/\`/g, '')));
    Object.keys(doc.channels).forEach(function (id) {
      const operations = Object.values(doc.operations).filter(function (op) { return op.channel.$ref === '#/channels/' + id; });
      live.appendChild(channelSection(doc, id, doc.channels[id], operations));
    });
  }

  fetch('/api/asyncapi.json')
    .then(function (response) {
      if (!response.ok) throw new Error('GET /api/asyncapi.json answered ' + response.status);
      return response.json();
    })
    .then(renderLive)
    .catch(function (error) {
      const live = document.getElementById('live');
      live.querySelector('.loading').replaceWith(element('p', String(error.message), 'error'));
    });
})();
`;

/** The page's files, by name under /api/docs/. */
export const REFERENCE_FILES: Readonly<Record<string, ReferenceFile>> = {
  'swagger-ui-bundle.js': {
    contentType: 'text/javascript; charset=utf-8',
    file: path.join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'),
  },
  'swagger-ui.css': { contentType: 'text/css; charset=utf-8', file: path.join(SWAGGER_UI_DIR, 'swagger-ui.css') },
  'reference.js': { contentType: 'text/javascript; charset=utf-8', text: SCRIPT },
  'reference.css': { contentType: 'text/css; charset=utf-8', text: STYLE },
};

export const REFERENCE_PAGE: ReferenceFile = { contentType: 'text/html; charset=utf-8', text: PAGE };
