import type { z } from 'zod';
import { HttpError } from './errors.js';

/** Parses with a zod schema; the first issue becomes a 400 with a readable message. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  const message = issue?.message ?? 'invalid request';
  throw new HttpError(400, field && !message.includes(field) ? `${field}: ${message}` : message);
}
