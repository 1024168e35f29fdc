/**
 * One streamed answer as a client sees it: asked over HTTP, followed on a lean Socket.IO client
 * (`subscribe`, then `message:delta` and `message:status`), every token's lag logged on arrival,
 * and at the end checked whole and in order against what the fake model sent.
 */
import type { MessageCurrentState, MessageDeltaEvent, MessageStatusEvent } from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import { request } from './http-client.js';
import type { LeanSocket } from './monitor-sockets.js';
import { TimedTokenReader } from './timed-tokens.js';

/** Every token's send time and lag (ms), in arrival order. */
export class LagLog {
  readonly sentAt: number[] = [];
  readonly lagMs: number[] = [];

  add(sentAtMs: number, receivedAtMs: number): void {
    this.sentAt.push(sentAtMs);
    this.lagMs.push(receivedAtMs - sentAtMs);
  }
}

interface Delta {
  seq: number;
  attempt: number;
  text: string;
}

export class AnswerWatch {
  messageId: string | undefined;
  /** Send times of the first and last token heard (for the window where all streams overlap). */
  firstSentAt = Number.POSITIVE_INFINITY;
  lastSentAt = Number.NEGATIVE_INFINITY;
  /** The subscribe ack: the text so far (when joined mid-answer) and where the deltas go on. */
  private joined: { attempt: number; seq: number; text: string } | undefined;
  private readonly deltas: Delta[] = [];
  private final: MessageStatusEvent | undefined;
  private failure: string | undefined;
  private readonly reader: TimedTokenReader;
  private finish: () => void = () => undefined;
  readonly finished = new Promise<void>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    private readonly socket: LeanSocket,
    readonly key: string,
    epochMs: number,
    private readonly lags: LagLog,
  ) {
    this.reader = new TimedTokenReader(epochMs);
    socket.onEvent = (name, payload) => this.heard(name, payload);
  }

  /** Asks at `askUrl` (POST, answered 202 with the message's id), then subscribes. */
  async start(askUrl: string, question: string): Promise<void> {
    try {
      const { status, body } = await request(askUrl, { method: 'POST', body: JSON.stringify({ question }) });
      if (status !== 202) throw new Error(`POST → ${status} ${body}`);
      this.messageId = (JSON.parse(body) as { messageId: string }).messageId;
      const ack = (await this.socket.emitWithAck('subscribe', { messageId: this.messageId })) as
        | { message: MessageCurrentState }
        | { error: string };
      if ('error' in ack) throw new Error(`subscribe: ${ack.error}`);
      // No text so far (none streamed yet, or this instance lacks it): the deltas must start at 0.
      this.joined = ack.message.partial ?? { attempt: 1, seq: 0, text: '' };
      if (isTerminal(ack.message.status)) this.ended(ack.message);
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      this.finish();
    }
  }

  private heard(name: string, payload: unknown): void {
    if (name === 'message:delta') {
      const receivedAt = Date.now();
      const { seq, attempt = 1, text } = payload as MessageDeltaEvent;
      this.deltas.push({ seq, attempt, text });
      this.reader.read(text, (sentAt) => {
        this.lags.add(sentAt, receivedAt);
        this.firstSentAt = Math.min(this.firstSentAt, sentAt);
        this.lastSentAt = Math.max(this.lastSentAt, sentAt);
      });
    } else if (name === 'message:status') {
      const event = payload as MessageStatusEvent;
      if (isTerminal(event.status)) this.ended(event);
    }
  }

  private ended(event: MessageStatusEvent): void {
    this.final ??= event;
    this.finish();
  }

  /** Undefined when the answer arrived whole and in order; else what is wrong with it. */
  problem(sentText: string | undefined): string | undefined {
    if (this.failure) return this.failure;
    if (!this.final) return 'no final status';
    if (this.final.status !== 'completed') return `${this.final.status}: ${this.final.error ?? ''}`;
    if (sentText === undefined) return 'the fake model sent nothing for it';
    const assembled = this.assembled();
    if (typeof assembled !== 'string') return assembled.problem;
    if (assembled !== sentText)
      return `streamed text differs from what was sent (${assembled.length}/${sentText.length} chars)`;
    if (this.final.response !== sentText) return 'final response differs from what was sent';
    return undefined;
  }

  /** The last attempt's text: the ack's text so far, then its deltas, in arrival order, gapless. */
  private assembled(): string | { problem: string } {
    const attempt = Math.max(1, ...this.deltas.map((d) => d.attempt));
    const joined = this.joined?.attempt === attempt ? this.joined : { seq: 0, text: '' };
    let next = joined.seq;
    let text = joined.text;
    for (const delta of this.deltas) {
      if (delta.attempt !== attempt || delta.seq < joined.seq) continue; // superseded, or in the ack's text
      if (delta.seq !== next) return { problem: `delta seq ${delta.seq} where ${next} was due` };
      text += delta.text;
      next += 1;
    }
    return text;
  }
}
