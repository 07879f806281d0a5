import type * as z from 'zod/mini';
import { BadRequest } from './problems';

/**
 * Validates path or query parameters with their zod schema; a failure is a 400 naming each
 * offending parameter (the zod messages are written for clients in lib/api/schemas.ts).
 */
export function parseParameters<Schema extends z.ZodMiniType>(schema: Schema, input: unknown, where: 'path' | 'query'): z.output<Schema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const invalidParams = result.error.issues.map((issue) => ({
    name: issue.path.map(String).join('.') || where,
    reason: issue.message,
  }));
  const summary = invalidParams.map(({ name, reason }) => `${name} ${reason}`).join('; ');
  throw new BadRequest(`Invalid ${where} parameter: ${summary}.`, invalidParams);
}
