/**
 * The one HTTP server: every request goes to the express app. Its requests and responses are made
 * as express's own objects (node's IncomingMessage and ServerResponse options): express gives every
 * request its prototypes (Object.setPrototypeOf), and for objects already made that way the switch
 * is a no-op, where otherwise it makes V8 drop its optimised code for node's request objects.
 */
import http from 'node:http';
import type { Express } from 'express';

export function createHttpServer(app: Express): http.Server {
  // Plain constructor functions: node's own are (they are called, not subclassed).
  function Request(this: http.IncomingMessage, socket: unknown) {
    (http.IncomingMessage as unknown as (socket: unknown) => void).call(this, socket);
  }
  Request.prototype = app.request;
  function Response(this: http.ServerResponse, req: unknown, options: unknown) {
    (http.ServerResponse as unknown as (req: unknown, options: unknown) => void).call(this, req, options);
  }
  Response.prototype = app.response;
  return http.createServer(
    {
      IncomingMessage: Request as unknown as typeof http.IncomingMessage,
      ServerResponse: Response as unknown as typeof http.ServerResponse,
    },
    app,
  );
}
