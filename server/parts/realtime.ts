/**
 * The realtime part: the relay that turns what the listener hears into events for this
 * instance's clients, the hubs that hold those clients' interest (text so far, SSE streams,
 * statistics), and the one LISTEN connection. Each is pushed on the stop stack as it is made.
 */
import type { StopStack } from '../lifecycle.js';
import { abortCancelledWork } from '../queue/cancel-target.js';
import { deltaRequests } from '../realtime/delta-requests.js';
import { startNotifyListener } from '../realtime/notify-listener.js';
import { PartialAnswers } from '../realtime/partial-answers.js';
import { PeerInstances } from '../realtime/peer-instances.js';
import { Relay } from '../realtime/relay.js';
import { SseHub } from '../realtime/sse.js';
import { StatsBroadcaster } from '../realtime/stats-broadcaster.js';
import type { Core } from './core.js';

export interface Realtime {
  readonly relay: Relay;
  readonly stats: StatsBroadcaster;
  /** The text so far of every message being answered anywhere, for clients joining mid-answer. */
  readonly partialAnswers: PartialAnswers;
  readonly sseHub: SseHub;
}

export async function startRealtime(core: Core, options: { databaseUrl: string }, stack: StopStack): Promise<Realtime> {
  const { pool, log, metrics, dispatcher } = core;
  const relay = new Relay(pool, log, (sentAt) => metrics.relayed('message_status', sentAt));
  // Deltas go where they are watched: here straight from the worker, elsewhere when asked for.
  const { instanceId } = core;
  const askForDeltas = deltaRequests({ pool, logger: log, instanceId, isStreamingHere: core.deltas.isStreaming });
  // A gap in a message answered here is filled from its publisher; one answered elsewhere is asked for.
  relay.requestDeltasWith((messageId) =>
    core.deltas.isStreaming(messageId) ? core.deltas.replayHere(messageId) : askForDeltas(messageId),
  );
  // An ask of this instance's own (it heard 'processing' before its worker opened the stream) is not another's interest.
  relay.onDeltaWanted((messageId, by) => by !== instanceId && core.deltas.want(messageId));
  const peers = new PeerInstances({ pool, logger: log, instanceId, staleAfterMs: core.instanceStaleAfterMs });
  await peers.refresh();
  relay.onInstancesChanged(() => void peers.refresh());
  core.deltas.deliverLocally({
    deliver: (event) => relay.localDelta(event),
    publishFromStart: (messageId) => peers.any && !relay.watches(messageId),
  });
  const stats = new StatsBroadcaster({ pool, logger: log, instanceStaleAfterMs: core.instanceStaleAfterMs });
  stack.push('statistics pusher', () => stats.stop());
  relay.onChange(() => stats.markChanged());
  const partialAnswers = new PartialAnswers();
  relay.addTarget(partialAnswers.relayTarget);
  partialAnswers.requestTextWith(askForDeltas);
  const sseHub = new SseHub();
  stack.push('SSE streams', () => sseHub.close());
  relay.addTarget(sseHub);
  stats.addAudience(sseHub.statsAudience);
  relay.addTarget(abortCancelledWork(dispatcher));
  const listener = await startNotifyListener({
    // LISTEN holds its session: it must reach PostgreSQL directly, never through a transaction pooler.
    databaseUrl: core.config.listenDatabaseUrl ?? options.databaseUrl,
    logger: log,
    handlers: relay.handlers,
  });
  stack.push('notify listener', () => listener.close());
  return { relay, stats, partialAnswers, sseHub };
}
