/**
 * The triage's second layer: once a question the rules did not flag is written, one short
 * structured call through the provider chain asks the model whether it describes an emergency
 * now. A yes flags the message urgent with the vetted advice for its category, in the question's
 * language; the trigger announces it. It runs beside the answer and never waits for it or holds
 * it up: its own deadline, no retries, bounded in flight, failures logged and counted.
 */
import type { Logger } from 'pino';
import { adviceFor, detectLanguage } from '../../shared/triage/index.js';
import { raiseUrgentFromModel } from '../db/messages.js';
import type { Queryable } from '../db/queryable.js';
import type { LlmProvider } from '../providers/types.js';
import type { Metrics, SecondOpinionOutcome } from '../stats/metrics.js';
import { verdictRequest, verdictSchema } from './model-verdict.js';

export interface WrittenQuestion {
  id: string;
  question: string;
  /** Flagged by the rules already: the model can add nothing (it never lowers). */
  urgent: boolean;
}

export interface SecondOpinionDeps {
  db: Queryable;
  provider: LlmProvider;
  metrics: Pick<Metrics, 'urgentMessage' | 'secondOpinion'>;
  logger: Logger;
  settings: {
    /** TRIAGE_MODEL; it also needs a provider that gives structured answers (not the mock). */
    enabled: boolean;
    timeoutMs: number;
    /** Calls in flight at most; a question beyond them is not asked about (counted `skipped`). */
    maxInFlight: number;
  };
}

export class SecondOpinion {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: SecondOpinionDeps) {}

  get enabled(): boolean {
    return this.deps.settings.enabled && this.deps.provider.structured !== undefined;
  }

  /** Called for every question written (submit-question.ts). Returns at once; never throws. */
  readonly questionWritten = (message: WrittenQuestion): void => {
    const { metrics, settings } = this.deps;
    if (message.urgent) {
      metrics.urgentMessage('rules');
      return;
    }
    if (!this.enabled || this.stopping.signal.aborted) return;
    if (this.inFlight.size >= settings.maxInFlight) {
      metrics.secondOpinion('skipped');
      return;
    }
    // Started after the current I/O turn: the answer's acceptance goes out first, untouched.
    const run: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.ask(message))
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  };

  /** Shutdown: aborts the calls in flight and waits for them (they may be writing). */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.inFlight);
  }

  private async ask(message: WrittenQuestion): Promise<void> {
    // A deadline held by its own timer: an AbortSignal.timeout() referenced only by
    // AbortSignal.any() can be garbage-collected on Node 20 and then never fires.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.deps.settings.timeoutMs);
    const signal = AbortSignal.any([deadline.signal, this.stopping.signal]);
    let outcome: SecondOpinionOutcome;
    try {
      outcome = await this.judge(message, signal);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      outcome = signal.aborted ? 'timeout' : 'error';
      this.deps.logger.warn(
        { err: error, messageId: message.id, outcome },
        "the model's triage second opinion failed; the rules' verdict stands",
      );
    } finally {
      clearTimeout(timer);
    }
    this.deps.metrics.secondOpinion(outcome);
  }

  private async judge(message: WrittenQuestion, signal: AbortSignal): Promise<SecondOpinionOutcome> {
    const { provider, logger } = this.deps;
    const reply = await (provider.structured as NonNullable<LlmProvider['structured']>)({
      ...verdictRequest(message.question),
      signal,
    });
    const verdict = verdictSchema.safeParse(reply.value);
    const from = { messageId: message.id, provider: reply.provider, model: reply.model };
    if (!verdict.success) {
      logger.warn({ ...from, issues: verdict.error.issues.length }, "the model's triage verdict was out of shape");
      return 'invalid';
    }
    if (!verdict.data.emergency_now) return 'not_urgent';
    const { category } = verdict.data;
    // No category named: the call-now advice alone, rather than dropping the model's alarm.
    const advice = adviceFor(category ? [category] : [], detectLanguage(message.question));
    if (!(await raiseUrgentFromModel(this.deps.db, { id: message.id, advice }))) return 'unchanged';
    this.deps.metrics.urgentMessage('model');
    logger.info({ ...from, category }, 'the model flagged a question urgent that the rules did not');
    return 'raised';
  }
}
