/**
 * Live updates with a safety net: Socket.IO while it can connect, REST polling when it cannot
 * (blocked, a proxy without websockets, the server restarting), and back to live by itself.
 * Either way every watched message reaches its final state.
 */
import { io, type Socket } from 'socket.io-client';
import type { AskResponse } from '../../shared/rest.js';
import type {
  ClientToServerEvents,
  MessageCurrentState,
  MessageDeltaEvent,
  ServerToClientEvents,
} from '../../shared/socket-events.js';
import { api, tokens } from './api.js';

export type LiveMode = 'connecting' | 'live' | 'polling';

export interface LiveHandlers {
  /** A status event, or a message's current state (with the text so far, when the server has it). */
  status(event: MessageCurrentState): void;
  delta(event: MessageDeltaEvent): void;
  /** The conversation of a followed message was deleted (the socket says so). */
  conversationDeleted(conversationId: string): void;
  /** A followed message is gone from the server (found while polling): deleted with its conversation. */
  messageGone(messageId: string): void;
  mode(mode: LiveMode): void;
  /** Asks the person for a token; resolves once one is stored (or they declined). */
  unauthorized(): Promise<void>;
}

/** How long to wait for the socket before polling instead. */
const CONNECT_GRACE_MS = 3000;
const POLL_INTERVAL_MS = 1000;

export class LiveUpdates {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly watched = new Set<string>();
  private mode: LiveMode = 'connecting';
  private pollTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly handlers: LiveHandlers) {
    this.socket = io({ auth: (send) => send({ token: tokens.api() }), reconnectionDelayMax: 5000 });
    this.socket.on('connect', () => this.goLive());
    this.socket.on('disconnect', () => this.startPolling());
    this.socket.on('connect_error', (error) => {
      this.startPolling();
      if (/unauthorized/.test(error.message)) void this.reauthorize();
    });
    this.socket.on('message:status', (event) => handlers.status(event));
    this.socket.on('message:delta', (event) => handlers.delta(event));
    this.socket.on('conversation:deleted', (event) => handlers.conversationDeleted(event.conversationId));
    setTimeout(() => {
      if (this.mode === 'connecting') this.startPolling();
    }, CONNECT_GRACE_MS);
  }

  get currentMode(): LiveMode {
    return this.mode;
  }

  /**
   * Asks over the socket when live (subscribed at once), else over REST. Both carry the question's
   * idempotency key: when the socket's answer is late, the REST fallback gets the same message.
   */
  async ask(question: string, conversationId: string | undefined, idempotencyKey: string): Promise<AskResponse> {
    if (this.mode === 'live') {
      try {
        const answer = await this.socket.timeout(5000).emitWithAck('ask', { question, conversationId, idempotencyKey });
        if ('error' in answer) throw new Error(answer.error);
        // Replayed: the message was made earlier, so catch up on its current state.
        if (answer.replayed) this.watch(answer.messageId);
        else this.watched.add(answer.messageId);
        return answer;
      } catch (error) {
        if (error instanceof Error && !/timed out|timeout/i.test(error.message)) throw error;
        // No answer from the socket: ask over REST instead.
      }
    }
    const answer = await api.ask(question, conversationId, idempotencyKey);
    this.watch(answer.messageId);
    return answer;
  }

  watch(messageId: string): void {
    this.watched.add(messageId);
    if (this.mode === 'live') this.subscribe(messageId);
  }

  /** The message is finished: stop following it. */
  unwatch(messageId: string): void {
    this.watched.delete(messageId);
    if (this.socket.connected) this.socket.emit('unsubscribe', { messageId });
  }

  /** A new token was stored: a handshake refused for lack of one is not retried by socket.io. */
  tokenChanged(): void {
    if (!this.socket.active) this.socket.connect();
  }

  private async reauthorize(): Promise<void> {
    await this.handlers.unauthorized();
    if (tokens.api()) this.tokenChanged();
  }

  /** The answer carries the current state and, mid-answer, the text so far. */
  private subscribe(messageId: string): void {
    this.socket.emit('subscribe', { messageId }, (answer) => {
      if ('message' in answer) this.handlers.status(answer.message);
    });
  }

  private goLive(): void {
    this.stopPolling();
    this.setMode('live');
    // Catch up: the subscribe answer carries the current state of each message.
    for (const messageId of this.watched) this.subscribe(messageId);
  }

  private startPolling(): void {
    if (this.socket.connected) return;
    this.setMode('polling');
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => void this.pollOnce(), POLL_INTERVAL_MS);
    void this.pollOnce();
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async pollOnce(): Promise<void> {
    await Promise.all(
      [...this.watched].map(async (messageId) => {
        try {
          const state = await api.message(messageId);
          this.handlers.status({ messageId, ...state });
        } catch (error) {
          if ((error as { status?: number }).status === 401) void this.reauthorize();
          if ((error as { status?: number }).status === 404) {
            this.watched.delete(messageId);
            this.handlers.messageGone(messageId);
          }
        }
      }),
    );
  }

  private setMode(mode: LiveMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.handlers.mode(mode);
  }
}
