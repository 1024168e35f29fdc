/**
 * The Markdown export of a conversation, written from the JSON export so that both say the same:
 * the notice first, then each question (quoted, so that its text cannot pass for the file's own
 * headings), its urgent advice, and its answer as the model wrote it (Markdown already).
 */
import type { ConversationExport } from '../../shared/rest.js';

type ExportedMessage = ConversationExport['messages'][number];

/** "2025-03-01 14:05 UTC": the ISO time, shortened for people. */
function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** Every line behind "> ", blank lines included, so the quote holds the whole text. */
function quoted(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

function urgentPart(message: ExportedMessage): string[] {
  if (!message.urgent) return [];
  const by = message.urgentSource === 'model' ? "the model's second look" : "MedChat's safety rules";
  const advice = message.urgentAdvice ? ` ${message.urgentAdvice}` : '';
  return [`**This may be an emergency.**${advice} _(Flagged by ${by}.)_`, ''];
}

function answerPart(message: ExportedMessage): string[] {
  const ended = message.completedAt ? ` ${when(message.completedAt)}` : '';
  switch (message.status) {
    case 'completed':
      return [`_Answered${ended}._`, '', message.response ?? ''];
    case 'failed':
      if (message.cancelled) return [`_Stopped${ended}, before it was answered._`];
      return [`_Could not be answered${ended}:_ ${message.error ?? ''}`];
    case 'pending':
      return ['_Not answered yet: waiting in the queue when this was exported._'];
    case 'processing':
      return ['_Not answered yet: being answered when this was exported._'];
  }
}

function turn(message: ExportedMessage, index: number): string[] {
  return [
    '---',
    '',
    `## Question ${index + 1}`,
    '',
    `_Asked ${when(message.createdAt)}._`,
    '',
    quoted(message.question),
    '',
    ...urgentPart(message),
    '### Answer',
    '',
    ...answerPart(message),
    '',
  ];
}

export function conversationMarkdown(exported: ConversationExport): string {
  const head = [
    '# MedChat conversation',
    '',
    quoted(exported.notice),
    '',
    `- Conversation: ${exported.conversationId}`,
    `- Started: ${when(exported.createdAt)}`,
    `- Last activity: ${when(exported.updatedAt)}`,
    `- Exported: ${when(exported.exportedAt)}`,
    `- Questions: ${exported.messages.length}`,
    '',
  ];
  return `${[...head, ...exported.messages.flatMap(turn)].join('\n').trimEnd()}\n`;
}
