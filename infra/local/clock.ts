import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local test clock: an offset from real time that functions (shared/clock.ts reads LOCAL_CLOCK_OFFSET_MS),
 * the bus, the scheduler and the JWT checks all see, so a merchant can watch a year of their program in minutes.
 * Kept in the data directory across restarts. Never deployed: on AWS nothing sets the variable.
 */
export class LocalClock {
  private offsetMs = 0;

  constructor(private readonly dataDir: string | undefined) {
    const file = this.file();
    if (file && existsSync(file)) this.offsetMs = Number((JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: number }).offsetMs ?? 0) || 0;
    this.apply();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    if (ms < 0) throw new Error('The clock only moves forward; use set to jump to a time');
    this.offsetMs += ms;
    this.apply();
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
    this.apply();
  }

  reset(): void {
    this.offsetMs = 0;
    this.apply();
  }

  private apply(): void {
    process.env.LOCAL_CLOCK_OFFSET_MS = String(this.offsetMs);
    const file = this.file();
    if (file) writeFileSync(file, JSON.stringify({ offsetMs: this.offsetMs }));
  }

  private file(): string | undefined {
    return this.dataDir ? join(this.dataDir, 'clock.json') : undefined;
  }
}
