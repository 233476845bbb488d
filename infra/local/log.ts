/** The local runtime's own structured logs (functions log through Powertools on the same stdout). */
type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const order: Record<Level, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };
const threshold = order[(process.env.LOCAL_LOG_LEVEL?.toUpperCase() as Level | undefined) ?? 'INFO'] ?? 20;

export function runtimeLog(level: Level, component: string, message: string, fields: Record<string, unknown> = {}): void {
  if (order[level] < threshold) return;
  const line = JSON.stringify({ level, timestamp: new Date().toISOString(), service: 'local-runtime', component, message, ...fields });
  if (level === 'ERROR' || level === 'WARN') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

export function errorFields(error: unknown): { errorType: string; errorMessage: string } {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message.slice(0, 1000) };
  // Errors cloned across threads (a function's worker) arrive as plain objects.
  if (error && typeof error === 'object' && 'message' in error) {
    const { name, message } = error as { name?: unknown; message: unknown };
    return { errorType: typeof name === 'string' ? name : 'Error', errorMessage: String(message).slice(0, 1000) };
  }
  return { errorType: typeof error, errorMessage: String(error).slice(0, 1000) };
}
