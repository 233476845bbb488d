import { render } from 'preact';
import { App, type Provider } from './app';
import { CognitoSignIn } from './auth/cognito';
import { LocalSignIn } from './auth/local';
import { loadConfig, type ConsoleConfig } from './config';
import './styles.css';

/** The sign-in the configuration names; on the way back from Cognito's hosted page, the code is exchanged first. */
async function providerFor(config: ConsoleConfig): Promise<{ provider: Provider; signInError?: string }> {
  if (config.signIn.kind === 'local') return { provider: new LocalSignIn(new URL(config.signIn.tokenUrl, document.baseURI).href) };
  const provider = new CognitoSignIn(config.signIn);
  const here = new URL(window.location.href);
  try {
    const completed = await provider.completeSignIn(here);
    if (completed) window.history.replaceState(null, '', `${here.pathname}${completed.returnTo}`);
    return { provider };
  } catch (error) {
    // The code and state leave the address bar either way.
    window.history.replaceState(null, '', here.pathname);
    return { provider, signInError: error instanceof Error ? error.message : String(error) };
  }
}

const root = document.getElementById('app');
if (root) {
  loadConfig()
    .then(async (config) => {
      const { provider, signInError } = await providerFor(config);
      // Preact diffs against what the element holds: the boot message goes first.
      root.replaceChildren();
      render(<App config={config} signIn={provider} {...(signInError ? { signInError } : {})} />, root);
    })
    .catch((error: unknown) => {
      root.replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: `The console cannot start: ${error instanceof Error ? error.message : String(error)}` }));
    });
}
