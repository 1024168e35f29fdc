/**
 * socket.io-client helpers: sockets that hold the server to the shared contract (each event parsed
 * with its namespace's schema, each ack with its event's), and a recorder of what a socket hears.
 */
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  ackSchemas,
  type MessageDeltaEvent,
  type MessageStatusEvent,
  MONITOR_NAMESPACE,
  monitorEventSchemas,
  serverEventSchemas,
} from '../../shared/socket-events.js';

type Options = Parameters<typeof io>[1];
type Ack = ((...args: unknown[]) => void) & { withError?: boolean };

function schemaOf(schemas: Record<string, z.ZodType>, name: string): z.ZodType | undefined {
  return Object.hasOwn(schemas, name) ? schemas[name] : undefined;
}

/** Throws unless `value` is what `schema` allows; `what` names it in the message. */
function check(schema: z.ZodType | undefined, what: string, value: unknown): void {
  if (!schema) throw new Error(`${what} is not in the contract (shared/socket-events.ts)`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const shown = JSON.stringify(value)?.slice(0, 500);
    throw new Error(`${what} breaks the contract: ${z.prettifyError(parsed.error)}\n${shown}`);
  }
}

/**
 * The ack, checked first. emitWithAck's ack (`withError`) gets an error first: a bad answer
 * rejects its promise. A plain callback's bad answer throws (an unhandled error fails the run).
 */
function checkedAck(event: string, ack: Ack): Ack {
  const schema = schemaOf(ackSchemas, event);
  if (!ack.withError) {
    return (answer) => {
      check(schema, `the ack of ${event}`, answer);
      ack(answer);
    };
  }
  const errorFirst: Ack = (error, answer) => {
    if (error) return ack(error);
    try {
      check(schema, `the ack of ${event}`, answer);
    } catch (broken) {
      return ack(broken);
    }
    ack(null, answer);
  };
  errorFirst.withError = true;
  return errorFirst;
}

/** A socket to `url` (its path is the namespace) whose events and acks are checked. */
export function openSocket(url: string, options: Options = {}): Socket {
  const socket = io(url, { transports: ['websocket'], ...options });
  const events: Record<string, z.ZodType> =
    new URL(url).pathname === MONITOR_NAMESPACE ? monitorEventSchemas : serverEventSchemas;
  // Listeners for any event run before the event's own: a broken event never reaches the test.
  socket.onAny((event: string, ...args: unknown[]) => {
    if (args.length !== 1) throw new Error(`event ${event} came with ${args.length} arguments, not 1`);
    check(schemaOf(events, event), `event ${event}`, args[0]);
  });
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack === 'function') args[args.length - 1] = checkedAck(event, ack as Ack);
    return emit(event, ...args);
  }) as Socket['emit'];
  return socket;
}

export interface Recorder {
  socket: Socket;
  statuses: MessageStatusEvent[];
  deltas: MessageDeltaEvent[];
  /** The events of one message. */
  of(messageId: string): { statuses: MessageStatusEvent[]; deltas: MessageDeltaEvent[] };
}

export async function connect(url: string, options: Options = {}): Promise<Recorder> {
  const socket = openSocket(url, { forceNew: true, ...options });
  const statuses: MessageStatusEvent[] = [];
  const deltas: MessageDeltaEvent[] = [];
  socket.on('message:status', (event: MessageStatusEvent) => statuses.push(event));
  socket.on('message:delta', (event: MessageDeltaEvent) => deltas.push(event));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    statuses,
    deltas,
    of: (messageId) => ({
      statuses: statuses.filter((s) => s.messageId === messageId),
      deltas: deltas.filter((d) => d.messageId === messageId),
    }),
  };
}
