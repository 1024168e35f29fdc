/**
 * Every instance hears every delta; Socket.IO encodes a packet before it finds a room empty. The
 * socket server emits a message's events only to rooms that have sockets on this instance; the
 * /monitor namespace still hears every status.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DELTA_CHANNEL } from '../../server/db/channels.js';
import { type MessageDeltaEvent, MONITOR_NAMESPACE, messageRoom } from '../../shared/socket-events.js';
import { eventually } from '../helpers/http.js';
import { useServiceForFile } from '../helpers/service.js';
import { connect } from '../helpers/socket.js';

const ctx = useServiceForFile();

/** Each broadcast on a namespace's adapter: the event's name and the rooms it was for. */
function spyOnBroadcasts(namespace: string): { calls: Array<{ event: unknown; rooms: string[] }>; spy: MockInstance } {
  const adapter = ctx.service.sockets.io.of(namespace).adapter;
  const calls: Array<{ event: unknown; rooms: string[] }> = [];
  const broadcast = adapter.broadcast.bind(adapter);
  const spy = vi.spyOn(adapter, 'broadcast').mockImplementation((packet, opts) => {
    calls.push({ event: packet.data?.[0], rooms: [...opts.rooms].map(String) });
    return broadcast(packet, opts);
  });
  return { calls, spy };
}

function deltaPayload(messageId: string, seq: number): string {
  const event: MessageDeltaEvent = { messageId, seq, text: `piece ${seq} `, attempt: 1 };
  return JSON.stringify(event);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('events for messages nobody on this instance watches', () => {
  it('a delta heard for an unwatched message is not broadcast; one for a watched message is', async () => {
    const client = await connect(ctx.service.url);
    const watched = randomUUID();
    const unwatched = randomUUID();
    ctx.service.sockets.io.in(client.socket.id ?? '').socketsJoin(messageRoom(watched));
    const { calls } = spyOnBroadcasts('/');
    // One statement: the listener hears them in this order, so the watched one's arrival means
    // the unwatched ones were relayed before it.
    await ctx.db.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n', [
      DELTA_CHANNEL,
      [deltaPayload(unwatched, 0), deltaPayload(unwatched, 1), deltaPayload(watched, 0)],
    ]);
    await eventually(() => client.of(watched).deltas.length === 1, 10_000, 'the watched delta');
    const deltaRooms = calls.filter((call) => call.event === 'message:delta').map((call) => call.rooms);
    expect(deltaRooms).toEqual([[messageRoom(watched)]]);
    expect(client.of(unwatched).deltas).toEqual([]);
    client.socket.close();
  });

  it('a status of an unwatched message reaches /monitor but is not broadcast to its empty room', async () => {
    const chat = spyOnBroadcasts('/');
    const monitor = spyOnBroadcasts(MONITOR_NAMESPACE);
    const messageId = randomUUID();
    ctx.service.sockets.status({ messageId, status: 'processing' });
    ctx.service.sockets.status({ messageId, status: 'completed', response: 'Done.' });
    expect(chat.calls).toEqual([]);
    expect(monitor.calls.map((call) => call.event)).toEqual(['message:status', 'message:status']);
  });

  it('a status of a watched message is broadcast to its room, and its final state empties the room', async () => {
    const client = await connect(ctx.service.url);
    const messageId = randomUUID();
    const room = messageRoom(messageId);
    ctx.service.sockets.io.in(client.socket.id ?? '').socketsJoin(room);
    const chat = spyOnBroadcasts('/');
    ctx.service.sockets.status({ messageId, status: 'completed', response: 'Done.' });
    await eventually(() => client.of(messageId).statuses.length === 1, 10_000, 'the final state');
    expect(chat.calls.map((call) => call.rooms)).toEqual([[room]]);
    expect(ctx.service.sockets.io.of('/').adapter.rooms.has(room)).toBe(false);
    client.socket.close();
  });
});
