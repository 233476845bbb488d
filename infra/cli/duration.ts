/** Parses "90s", "30m", "1h", "2d" (or plain seconds) into seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration like 90s, 30m, 1h or 2d`);
  const value = Number(match[1]);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const seconds = value * unit;
  if (seconds < 1) throw new Error('A duration must be at least one second');
  return seconds;
}
