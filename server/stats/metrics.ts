/**
 * Prometheus metrics (GET /metrics), one registry per service instance. Gauges are read when
 * scraped (collect), so nothing is counted twice or kept up to date on hot paths.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { URGENT_SOURCES, type UrgentSource } from '../../shared/rest.js';

export type ProviderOutcome = 'success' | 'retryable_error' | 'error' | 'aborted';

/**
 * How the model's second opinion on a question the rules did not flag ended: it raised urgent,
 * found no emergency, found one on a message already urgent or gone, answered out of shape, ran
 * out of time, failed, or was not asked (too many in flight).
 */
export const SECOND_OPINION_OUTCOMES = [
  'raised',
  'not_urgent',
  'unchanged',
  'invalid',
  'timeout',
  'error',
  'skipped',
] as const;
export type SecondOpinionOutcome = (typeof SECOND_OPINION_OUTCOMES)[number];

export interface MetricSources {
  queueLength(): number;
  activeWorkers(): number;
  socketConnections(namespace: '/' | '/monitor'): number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly providerCalls: Histogram<'provider' | 'outcome'>;
  private readonly retries: Counter<'provider'>;
  private readonly relayLag: Histogram<'channel'>;
  private readonly urgentMessages = new Counter({
    name: 'medchat_urgent_messages_total',
    help: 'Questions accepted here that were flagged urgent, by the triage layer that flagged them',
    labelNames: ['source'],
    registers: [this.registry],
  });
  private readonly secondOpinions = new Counter({
    name: 'medchat_triage_second_opinions_total',
    help: "The model's second opinions on questions the rules did not flag, by outcome",
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  /** Read when scraped; each part gives its own as it starts (readFrom). */
  private readonly sources: MetricSources = {
    queueLength: () => 0,
    activeWorkers: () => 0,
    socketConnections: () => 0,
  };

  constructor() {
    const registers = [this.registry];
    const sources = this.sources;
    collectDefaultMetrics({ register: this.registry, prefix: 'medchat_' });
    this.httpRequests = new Counter({
      name: 'medchat_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'medchat_http_request_duration_seconds',
      help: 'HTTP request durations by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.providerCalls = new Histogram({
      name: 'medchat_provider_call_duration_seconds',
      help: 'LLM provider calls (one per attempt) by provider and outcome',
      labelNames: ['provider', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.retries = new Counter({
      name: 'medchat_retries_total',
      help: 'Provider calls retried after a retryable failure',
      labelNames: ['provider'],
      registers,
    });
    this.relayLag = new Histogram({
      name: 'medchat_notify_relay_lag_seconds',
      help: 'Time from the database NOTIFY to its relay to clients on this instance',
      labelNames: ['channel'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    // Every series from the start, so that rates and alerts see a zero before the first one.
    for (const source of URGENT_SOURCES) this.urgentMessages.inc({ source }, 0);
    for (const outcome of SECOND_OPINION_OUTCOMES) this.secondOpinions.inc({ outcome }, 0);
    new Gauge({
      name: 'medchat_queue_length',
      help: 'Messages waiting for a worker on this instance',
      registers,
      collect() {
        this.set(sources.queueLength());
      },
    });
    new Gauge({
      name: 'medchat_active_workers',
      help: 'Workers answering a message on this instance',
      registers,
      collect() {
        this.set(sources.activeWorkers());
      },
    });
    new Gauge({
      name: 'medchat_socket_connections',
      help: 'Connected Socket.IO clients on this instance',
      labelNames: ['namespace'],
      registers,
      collect() {
        this.set({ namespace: '/' }, sources.socketConnections('/'));
        this.set({ namespace: '/monitor' }, sources.socketConnections('/monitor'));
      },
    });
  }

  /** Where the gauges read from now on: the dispatcher's and the sockets' counts, as they start. */
  readFrom(sources: Partial<MetricSources>): void {
    Object.assign(this.sources, sources);
  }

  /** One HTTP request answered, by its route pattern (http/request-logging.ts). */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  providerCall(provider: string, outcome: ProviderOutcome, seconds: number): void {
    this.providerCalls.observe({ provider, outcome }, seconds);
  }

  retry(provider: string): void {
    this.retries.inc({ provider });
  }

  urgentMessage(source: UrgentSource): void {
    this.urgentMessages.inc({ source });
  }

  secondOpinion(outcome: SecondOpinionOutcome): void {
    this.secondOpinions.inc({ outcome });
  }

  relayed(channel: string, sentAtMs: number): void {
    this.relayLag.observe({ channel }, Math.max(0, Date.now() - sentAtMs) / 1000);
  }
}
