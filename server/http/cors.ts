/**
 * CORS for the origins in CORS_ORIGINS. A request from any other origin, or with no Origin (the
 * same origin, curl, a server), gets no CORS headers (the browser then refuses a cross-origin
 * read), and does not go through the cors package at all.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';

export function corsForOrigins(allowed: readonly string[]): RequestHandler {
  const allowedOrigin = cors({
    origin: true, // reflects the request's Origin, which is on the list
    allowedHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Request-Id'],
    // Content-Disposition: the name of an exported conversation's file.
    exposedHeaders: ['Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'Content-Disposition'],
    maxAge: 600,
  });
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.includes(origin)) return next();
    allowedOrigin(req, res, next);
  };
}
