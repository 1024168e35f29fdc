/**
 * GET /api/conversations/:id/export (issue 17, item 4): the whole conversation as a file, JSON
 * (the default, parsed with its shared schema) or Markdown, with times, statuses, urgent advice
 * and the not-medical-advice notice; 400 and 404 in the one error shape.
 */
import { describe, expect, it } from 'vitest';
import { type ConversationExport, conversationExportSchema, NOT_MEDICAL_ADVICE_NOTICE } from '../../shared/rest.js';
import { getJson, jsonOf, postJson, waitForFinal } from '../helpers/http.js';
import { useServiceForFile } from '../helpers/service.js';

const ORIGIN = 'https://app.example';
const setup = useServiceForFile({ env: { CORS_ORIGINS: ORIGIN } });

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** A conversation of four questions: answered (urgent), failed, stopped, and still waiting. */
async function conversationOfEveryKind(): Promise<{ conversationId: string; messageIds: string[] }> {
  const { url } = setup.service;
  const first = await postJson(url, '/api/chat', { question: 'I have crushing chest pain\nand I am sweating' });
  const conversationId = first.body.conversationId as string;
  const messageIds = [first.body.messageId as string];
  await waitForFinal(url, messageIds[0] as string);
  // The other states are written directly: the route reads whatever the rows say. The waiting one
  // is held by an instance that never answers (a lease without end), so no sweeper takes it.
  const { rows } = await setup.db.query<{ id: string }>(
    `INSERT INTO messages (question, conversation_id, status, error, cancelled, completed_at, created_at,
                           claimed_by, lease_expires_at)
     VALUES ('Why did it fail?', $1, 'failed', 'The model provider refused this question (400).', false, now(),
             now() + interval '1 s', NULL, NULL),
            ('Stop this one', $1, 'failed', 'cancelled', true, now(), now() + interval '2 s', NULL, NULL),
            ('## Still waiting?', $1, 'pending', NULL, false, NULL, now() + interval '3 s', 'test-elsewhere', 'infinity')
     RETURNING id`,
    [conversationId],
  );
  messageIds.push(...rows.map((row) => row.id));
  return { conversationId, messageIds };
}

async function exportOf(conversationId: string, query = '') {
  return fetch(`${setup.service.url}/api/conversations/${conversationId}/export${query}`);
}

describe('GET /api/conversations/:id/export', () => {
  it('JSON by default: every message with its state and times, the notice, as an attachment', async () => {
    const { conversationId, messageIds } = await conversationOfEveryKind();
    const before = Date.now();
    const response = await exportOf(conversationId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const exported = (await jsonOf(response)) as ConversationExport; // parsed with conversationExportSchema
    expect(conversationExportSchema.safeParse(exported).success).toBe(true);
    const day = exported.createdAt.slice(0, 10);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="medchat-conversation-${day}-${conversationId.slice(0, 8)}.json"`,
    );
    expect(exported).toMatchObject({
      format: 'medchat.conversation.v1',
      conversationId,
      notice: NOT_MEDICAL_ADVICE_NOTICE,
    });
    expect(Date.parse(exported.exportedAt)).toBeGreaterThanOrEqual(before - 1000);
    // The same messages, in the same order and shapes, as GET /api/conversations/:id, plus when each ended.
    const { body: conversation } = await getJson(setup.service.url, `/api/conversations/${conversationId}`);
    expect(exported.messages.map(({ completedAt: _, ...message }) => message)).toEqual(conversation.messages);
    expect(exported.messages.map((m) => m.messageId)).toEqual(messageIds);
    const [answered, failed, stopped, waiting] = exported.messages;
    expect(answered).toMatchObject({ status: 'completed', urgent: true, urgentSource: 'rules' });
    expect(answered?.response).toContain('chest pain');
    expect(answered?.urgentAdvice).toMatch(/emergency/i);
    expect(failed).toMatchObject({ status: 'failed', error: 'The model provider refused this question (400).' });
    expect(stopped).toMatchObject({ status: 'failed', error: 'cancelled', cancelled: true });
    expect(waiting).toMatchObject({ status: 'pending', question: '## Still waiting?' });
    for (const message of [answered, failed, stopped]) expect(message?.completedAt).toEqual(expect.any(String));
    expect(waiting?.completedAt).toBeUndefined();
  });

  it('Markdown: the notice, each question quoted with its time, urgent advice, answers and their ends', async () => {
    const { conversationId } = await conversationOfEveryKind();
    const [response, json] = await Promise.all([
      exportOf(conversationId, '?format=markdown'),
      exportOf(conversationId),
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      new RegExp(
        `^attachment; filename="medchat-conversation-\\d{4}-\\d{2}-\\d{2}-${conversationId.slice(0, 8)}\\.md"$`,
      ),
    );
    const markdown = await response.text();
    const exported = (await jsonOf(json)) as ConversationExport;
    const [answered] = exported.messages;
    expect(markdown.startsWith(`# MedChat conversation\n\n> ${NOT_MEDICAL_ADVICE_NOTICE}\n`)).toBe(true);
    expect(markdown).toContain(`- Conversation: ${conversationId}`);
    // A question's lines are all quoted: its own "## " cannot pass for one of the file's headings.
    expect(markdown).toContain('> I have crushing chest pain\n> and I am sweating');
    expect(markdown).toContain('> ## Still waiting?');
    expect(markdown.match(/^## /gm)).toHaveLength(4);
    expect(markdown).toContain(`_Asked ${answered?.createdAt.slice(0, 16).replace('T', ' ')} UTC._`);
    expect(markdown).toContain(
      `\n**This may be an emergency.** ${answered?.urgentAdvice} _(Flagged by MedChat's safety rules.)_\n`,
    );
    expect(markdown).toContain(answered?.response ?? '(no answer)');
    expect(markdown).toMatch(/_Could not be answered \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC:_ The model provider refused/);
    expect(markdown).toMatch(/_Stopped \d{4}-.* UTC, before it was answered\._/);
    expect(markdown).toContain('_Not answered yet: waiting in the queue when this was exported._');
    expect(markdown.endsWith('\n')).toBe(true);
  });

  it("lets a page of an allowed origin read the file's name", async () => {
    const { conversationId } = await conversationOfEveryKind();
    const response = await fetch(`${setup.service.url}/api/conversations/${conversationId}/export`, {
      headers: { origin: ORIGIN },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toContain('Content-Disposition');
  });

  it('answers 400 for a malformed id or another format, 404 for an unknown conversation', async () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['not-a-uuid', '', 400, /conversationId must be a UUID/],
      [UNKNOWN, '?format=pdf', 400, /format must be "json" or "markdown"/],
      [UNKNOWN, '?format=json&format=markdown', 400, /format must be/],
      [UNKNOWN, '?format=MARKDOWN', 400, /format must be/],
      [UNKNOWN, '', 404, /No conversation with that id/],
      [UNKNOWN, '?format=markdown', 404, /No conversation with that id/],
    ];
    for (const [id, query, status, error] of cases) {
      const response = await exportOf(id, query);
      expect(response.status, `${id}${query}`).toBe(status);
      expect(response.headers.get('content-disposition')).toBeNull();
      expect((await jsonOf(response)).error).toMatch(error);
    }
  });
});
