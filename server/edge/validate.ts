/** Input checked with zod at the edges: the first issue, told in one readable line. */
import type { z } from 'zod';
import { HttpError } from './http-error.js';

/** The first issue as `field: message` (the message alone when it names the field already). */
export function firstIssue(error: z.ZodError, fallback: string): string {
  const issue = error.issues[0];
  if (!issue) return fallback;
  const field = issue.path.join('.');
  return field && !issue.message.includes(field) ? `${field}: ${issue.message}` : issue.message;
}

/** Parses with a zod schema; the first issue becomes a 400. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new HttpError(400, firstIssue(result.error, 'invalid request'));
}
