import { render } from 'preact';
import { App } from './app';
import { LocalSignIn } from './auth/local';
import { loadConfig } from './config';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  loadConfig().then(
    (config) => {
      const signIn = new LocalSignIn(new URL(config.signIn.tokenUrl, document.baseURI).href);
      // Preact diffs against what the element holds: the boot message goes first.
      root.replaceChildren();
      render(<App config={config} signIn={signIn} />, root);
    },
    (error: unknown) => {
      root.replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: `The console cannot start: ${error instanceof Error ? error.message : String(error)}` }));
    },
  );
}
