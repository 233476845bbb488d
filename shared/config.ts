import * as z from 'zod/mini';
import type { $ZodShape } from 'zod/v4/core';

/**
 * Parses configuration from the environment once (call it at module scope, i.e. at cold start) and fails
 * loudly naming every missing or invalid variable — never defaulting a table name to a placeholder.
 * zod/mini keeps this out of the way of small bundles (the health check carries it).
 */
export function loadConfig<Shape extends $ZodShape>(shape: Shape, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodMiniObject<Shape>> {
  const result = z.safeParse(z.object(shape), env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return result.data;
}

export const nonEmpty = z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, 'is required'));
