// A named import: the bundler inlines just this value (tree-shaking JSON), not the whole manifest.
import { version } from '../../package.json';
import { loadConfig, nonEmpty } from '../../shared/config';
import { httpHandler } from '../../shared/http/stack';
import { getVersion as route } from './meta.routes';

/** The release is the package version, fixed at build time; the stage comes from the function's environment. */
const config = loadConfig({ STAGE: nonEmpty });

export const handler = httpHandler({ service: 'meta', route }, async () => ({
  status: 200,
  body: { name: 'loyalty-loop', version, stage: config.STAGE },
}));
