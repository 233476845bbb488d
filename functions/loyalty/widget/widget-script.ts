import { REWARDS_WIDGET } from './loyalty-rewards.generated';

/**
 * The rewards widget as GET /l/{file} serves it: the loader by its stable name, the script by its content-hashed one.
 * Strings built ahead of time (build.ts), for the reason functions/testimonials/widget/widget-script.ts gives: a
 * function's own text depends on the transform that loaded it, a string literal does not.
 */
export interface RewardsWidgetFile {
  readonly body: string;
  /** The hashed script never changes under its name; the loader's name stays while its content moves on. */
  readonly immutable: boolean;
}

export const REWARDS_LOADER_NAME = 'loyalty-rewards.js';

export function rewardsWidgetFile(file: string): RewardsWidgetFile | undefined {
  if (file === REWARDS_LOADER_NAME) return { body: REWARDS_WIDGET.loader, immutable: false };
  if (file === REWARDS_WIDGET.file) return { body: REWARDS_WIDGET.script, immutable: true };
  return undefined;
}

export function rewardsWidgetScript(): { script: string; file: string; loader: string } {
  return REWARDS_WIDGET;
}
