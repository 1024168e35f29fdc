/**
 * What one socket may ask of this instance: at most `maxInFlight` requests that use the database
 * under way at once, and `eventsPerSecond` requests of any kind on average (a token bucket holding
 * bursts of twice that). A request over
 * either is refused at once with an error ack, never queued, so a flood costs a refusal per
 * event and no memory. A socket that keeps sending well past its refusals is disconnected.
 */
import type { Socket } from 'socket.io';
import type { SocketRefusalLog } from './socket-refusal-log.js';

export const TOO_MANY_REQUESTS = 'Too many requests on this connection; slow down.';
export const SHUTTING_DOWN = 'The server is shutting down; connect again in a moment.';
export const SERVER_BUSY = 'The server is busy; try again in a moment.';

/** A request refused before it did any work: its message is the ack's error, and it is no fault. */
export class RequestRefused extends Error {
  override name = 'RequestRefused';
}

export interface SocketLimitSettings {
  maxInFlight: number;
  eventsPerSecond: number;
}

/** Refusals a socket may collect beyond what its rate refills before it is disconnected. */
const REFUSALS_BEFORE_DISCONNECT = 1000;

/** `rate` tokens a second, at most `capacity` saved up; each request takes one. */
class TokenBucket {
  private tokens: number;
  private updatedAt = performance.now();

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Allowance {
  inFlight: number;
  requests: TokenBucket;
  /** Refused requests: a socket refused faster than its rate refills this runs dry and is cut off. */
  refusals: TokenBucket;
}

export class SocketLimits {
  private readonly allowances = new WeakMap<Socket, Allowance>();
  private closed = false;

  constructor(
    private readonly settings: SocketLimitSettings,
    private readonly log: SocketRefusalLog,
  ) {}

  /**
   * Admits one request of the socket, or answers why not. One that uses the database takes a place
   * in flight, to release() when answered; a refused one has nothing to release.
   */
  admit(socket: Socket, event: string, usesDatabase: boolean): string | undefined {
    const allowance = this.allowanceOf(socket);
    if (this.closed) return this.refuse(socket, event, SHUTTING_DOWN);
    const placeTaken = usesDatabase && allowance.inFlight >= this.settings.maxInFlight;
    if (placeTaken || !allowance.requests.take()) {
      if (!allowance.refusals.take()) {
        this.log.disconnected(socket.id);
        socket.disconnect(true);
      }
      return this.refuse(socket, event, TOO_MANY_REQUESTS);
    }
    if (usesDatabase) allowance.inFlight += 1;
    return undefined;
  }

  /** A request admitted that uses the database has been answered. */
  release(socket: Socket): void {
    const allowance = this.allowances.get(socket);
    if (allowance) allowance.inFlight -= 1;
  }

  /** Shutting down: every request from now on is refused. */
  close(): void {
    this.closed = true;
  }

  private refuse(socket: Socket, event: string, reason: string): string {
    this.log.refused(event, socket.id);
    return reason;
  }

  private allowanceOf(socket: Socket): Allowance {
    let allowance = this.allowances.get(socket);
    if (!allowance) {
      const rate = this.settings.eventsPerSecond;
      allowance = {
        inFlight: 0,
        requests: new TokenBucket(rate, 2 * rate),
        refusals: new TokenBucket(rate, REFUSALS_BEFORE_DISCONNECT),
      };
      this.allowances.set(socket, allowance);
    }
    return allowance;
  }
}
