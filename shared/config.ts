import { z } from 'zod';

/**
 * Parses configuration from the environment once (call it at module scope, i.e. at cold start) and fails
 * loudly naming every missing or invalid variable — never defaulting a table name to a placeholder.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return result.data;
}

export const nonEmpty = z.string().trim().min(1, 'is required');
