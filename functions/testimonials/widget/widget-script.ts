import { LOYALTY_WALL_SCRIPT } from './loyalty-wall.generated';

/**
 * The wall-of-love widget's browser JavaScript, an ES module: what GET /widget/loyalty-wall.js serves (content-type
 * text/javascript) and what `npm run build:widget` writes to dist/widget/loyalty-wall.js.
 *
 * It is a string built ahead of time (build.ts, from loyalty-wall.ts) rather than `(${fn.toString()})()`, because a
 * function's text is whatever the transform that loaded it made of it: tsx (the build script, the bench, the CLI)
 * transforms with esbuild's keepNames, which writes `__name(...)` calls to a module-level helper into the function —
 * undefined in a browser — and a minified Lambda bundle renames what the function refers to outside itself. A string
 * literal is the same bytes in the Lambda bundle, under jest and in node.
 */
export function wallWidgetScript(): string {
  return LOYALTY_WALL_SCRIPT;
}
