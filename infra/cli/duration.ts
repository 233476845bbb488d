/** Parses "90s", "30m", "1h", "2d", "3w", "1y" (365 days) or plain seconds into seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d|w|y)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration like 90s, 30m, 1h, 2d, 3w or 1y`);
  const value = Number(match[1]);
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400, y: 365 * 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd' | 'w' | 'y'];
  const seconds = value * unit;
  if (seconds < 1) throw new Error('A duration must be at least one second');
  return seconds;
}
