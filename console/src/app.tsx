import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { consoleClient, type LoyaltyClient } from './api';
import type { CognitoSignIn } from './auth/cognito';
import type { LocalSignIn } from './auth/local';
import { ErrorBox, Field } from './components';
import type { ConsoleConfig } from './config';
import { useAction } from './hooks';
import { CustomersPage } from './pages/customers';
import { DashboardPage } from './pages/dashboard';
import { EventsPage } from './pages/events';
import { FeedbackPage } from './pages/feedback';
import { IntegrationsPage } from './pages/integrations';
import { ProgramPage } from './pages/program';
import { ReferralsPage } from './pages/referrals';
import { RewardsPage } from './pages/rewards';
import { TestimonialsPage } from './pages/testimonials';
import { hrefOf, useRoute, type Route } from './router';

/** The sign-in providers (auth/session.ts): each signs in its own way, and the rest of the console sees a SignInProvider. */
export type Provider = LocalSignIn | CognitoSignIn;

export interface PageProps {
  readonly client: LoyaltyClient;
  readonly config: ConsoleConfig;
}

const NAV: readonly { route: Route; label: string }[] = [
  { route: { page: 'dashboard' }, label: 'Dashboard' },
  { route: { page: 'customers' }, label: 'Customers' },
  { route: { page: 'program' }, label: 'Program' },
  { route: { page: 'referrals' }, label: 'Referrals' },
  { route: { page: 'testimonials' }, label: 'Testimonials' },
  { route: { page: 'rewards' }, label: 'Rewards' },
  { route: { page: 'feedback' }, label: 'Feedback' },
  { route: { page: 'integrations' }, label: 'Integrations' },
];

export function App({ config, signIn, signInError }: { config: ConsoleConfig; signIn: Provider; signInError?: string }) {
  const [marketer, setMarketer] = useState(signIn.marketer);
  useEffect(() => signIn.onChange(() => setMarketer(signIn.marketer)), [signIn]);
  const client = useMemo(() => consoleClient(config.apiBaseUrl, signIn), [config, signIn]);
  if (!marketer) return signIn.kind === 'local' ? <LocalSignInPage signIn={signIn} /> : <HostedSignInPage signIn={signIn} error={signInError} />;
  return <Shell client={client} config={config} marketerName={marketer.name} onSignOut={() => signIn.signOut()} />;
}

function HostedSignInPage({ signIn, error }: { signIn: CognitoSignIn; error: string | undefined }) {
  const action = useAction();
  return (
    <main class="sign-in" id="main">
      <h1>Loyalty Loop console</h1>
      <p>Sign in on your organisation's sign-in page; you come back here signed in. Your session is kept in this page's memory only.</p>
      <button type="button" disabled={action.busy} onClick={() => void action.run(() => signIn.signIn(window.location.hash))}>
        Sign in
      </button>
      <ErrorBox error={action.error ?? (error ? { title: 'Sign-in failed', detail: error, fields: [] } : undefined)} />
    </main>
  );
}

function LocalSignInPage({ signIn }: { signIn: LocalSignIn }) {
  const [name, setName] = useState('');
  const action = useAction();
  return (
    <main class="sign-in" id="main">
      <h1>Loyalty Loop console</h1>
      <p>
        Sign in with the local runtime's issuer. It mints a marketer token (as <code>npx loyalty token --marketer</code> does), kept in this page's memory
        only and renewed before it expires; reloading the page signs you in again.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(() => signIn.signIn(name.trim()));
        }}
      >
        <Field id="marketer-name" label="Your name" hint="Recorded as the actor of what you change (marketer:<name>).">
          {(describedBy) => <input id="marketer-name" name="marketer" required maxLength={128} autoComplete="name" value={name} aria-describedby={describedBy} onInput={(event) => setName(event.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={action.busy || name.trim() === ''}>
          Sign in
        </button>
      </form>
      <ErrorBox error={action.error} />
    </main>
  );
}

function Shell(props: { client: LoyaltyClient; config: ConsoleConfig; marketerName: string; onSignOut: () => void }) {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  // A new page moves focus to its content, as a page load would, so keyboard and screen-reader users land on it.
  useEffect(() => {
    main.current?.focus();
  }, [route.page]);
  const pageProps: PageProps = { client: props.client, config: props.config };
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(event) => {
        event.preventDefault();
        main.current?.focus();
      }}>
        Skip to content
      </a>
      <header class="top">
        <p class="brand">Loyalty Loop</p>
        <nav aria-label="Console">
          <ul>
            {[...NAV, ...(props.config.localEventsUrl ? [{ route: { page: 'events' } as Route, label: 'Events' }] : [])].map((item) => (
              <li key={item.label}>
                <a href={hrefOf(item.route)} aria-current={item.route.page === route.page ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{props.marketerName}</strong>
          </span>
          <button type="button" class="secondary" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        {route.page === 'dashboard' && <DashboardPage {...pageProps} />}
        {route.page === 'customers' && <CustomersPage {...pageProps} customerId={route.customerId} />}
        {route.page === 'program' && <ProgramPage {...pageProps} />}
        {route.page === 'referrals' && <ReferralsPage {...pageProps} />}
        {route.page === 'testimonials' && <TestimonialsPage {...pageProps} />}
        {route.page === 'rewards' && <RewardsPage {...pageProps} />}
        {route.page === 'feedback' && <FeedbackPage {...pageProps} />}
        {route.page === 'integrations' && <IntegrationsPage {...pageProps} />}
        {route.page === 'events' && props.config.localEventsUrl && <EventsPage {...pageProps} eventsUrl={props.config.localEventsUrl} />}
      </main>
    </div>
  );
}
