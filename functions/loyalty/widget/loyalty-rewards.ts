/// <reference lib="dom" />
/**
 * The customer rewards widget, browser code: `<loyalty-rewards api-base="https://<api>"></loyalty-rewards>` after
 * `<script type="module" src="https://<api-host>/l/loyalty-rewards.js"></script>`, with the signed-in customer's
 * token given as the `token` attribute, the `token` property, or a `tokenProvider` function (called before each
 * request, and once more after a 401, so a storefront can hand out fresh tokens).
 *
 * It shows, in an open shadow root the host page's CSS cannot reach: the customer's points (available, pending), tier
 * and progress to the next one, the rewards they can afford with a redeem button (a confirmation step, then the coupon
 * code with a copy button), their referral link (copy, and share where the browser can), and the survey and testimonial
 * requests still waiting for them (the API keeps their one-time links secret: the widget says the link is in their
 * email). Every call is the customer's own API (`authorization: Bearer`); what the API answers is written with
 * textContent/Text nodes, never parsed as HTML. A failed call shows its problem+json `detail`.
 *
 * Attributes: `api-base` (default: the origin this script was loaded from), `token`, `customer-id` (default: the
 * token's `sub` claim), `theme` ("light" or "dark"). Events (bubbling, composed): `loyalty-rewards:loaded`
 * {available, pending, tier}, `loyalty-rewards:redeemed` {redemptionId, rewardId, rewardName, couponCode, pointsSpent,
 * balance}, `loyalty-rewards:copied` {what: "coupon"|"referral-link"}, `loyalty-rewards:error` {status, detail}.
 *
 * Node never imports this file: build.ts bundles it for browsers into loyalty-rewards.generated.ts.
 */

const ELEMENT_NAME = 'loyalty-rewards';
const EVENT_PREFIX = 'loyalty-rewards:';
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

const MESSAGES = {
  heading: 'Your rewards',
  loading: 'Loading your rewards…',
  signedOut: 'Sign in to see your points and rewards.',
  badBase: 'The rewards widget has no valid api-base.',
  failed: 'Your rewards could not be loaded.',
  retry: 'Try again',
  available: 'points available',
  pending: (points: string) => `${points} pending (they become available after the return window)`,
  tier: (name: string) => `Tier: ${name}`,
  noTier: 'No tier yet',
  nextTier: (amount: string, name: string) => `Spend ${amount} more to reach ${name}`,
  topTier: 'You are in the top tier.',
  progressLabel: (name: string) => `Progress to ${name}`,
  rewardsHeading: 'Rewards you can get',
  noRewards: 'No reward is within your points yet.',
  cost: (points: string) => `${points} points`,
  redeem: 'Redeem',
  redeemLabel: (name: string) => `Redeem ${name}`,
  confirmQuestion: (name: string, points: string) => `Spend ${points} points on ${name}?`,
  confirm: 'Yes, redeem',
  cancel: 'Cancel',
  redeeming: 'Redeeming…',
  couponHeading: (name: string) => `Your coupon for ${name}`,
  couponHint: 'Use this code at checkout.',
  copy: 'Copy',
  copyCoupon: 'Copy coupon code',
  copied: 'Copied to the clipboard.',
  copyFailed: 'Copying failed: select the text and copy it yourself.',
  done: 'Done',
  referralHeading: 'Invite a friend',
  referralHint: 'Share your link: you both get a reward when your friend buys.',
  referralLabel: 'Your referral link',
  getLink: 'Get my referral link',
  copyLink: 'Copy link',
  share: 'Share',
  shareTitle: 'Join me',
  requestsHeading: 'We would love to hear from you',
  surveyRequest: (date: string) => `A short survey we sent you on ${date}: the link is in your email.`,
  testimonialRequest: (date: string) => `An invitation to write a testimonial, sent on ${date}: the link is in your email.`,
} as const;

/*
 * `:host` takes `all: initial !important` so neither the page's normal nor its !important rules reach the host or are
 * inherited inside; sizes are in em of the widget's own 16px. Custom properties reach inside on purpose.
 */
const STYLES = `
:host{all:initial!important;display:block!important}
:host([hidden]){display:none!important}
.box{--bg:#fff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--line:#d1d9e0;--accent:var(--loyalty-rewards-accent,#0969da);--on-accent:#fff;--bad:#cf222e;
color-scheme:light;box-sizing:border-box;display:block;padding:1em;border-radius:.75em;background:var(--bg);color:var(--fg);text-align:start;
font:400 16px/1.5 var(--loyalty-rewards-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif)}
:host([theme=dark i]) .box{color-scheme:dark;--bg:#0d1117;--fg:#f0f6fc;--muted:#9198a1;--card:#151b23;--line:#3d444d;--accent:var(--loyalty-rewards-accent,#4493f8);--on-accent:#0d1117;--bad:#ff7b72}
*,::before,::after{box-sizing:inherit}
h2{margin:0 0 .5em;font-size:1.25em;line-height:1.3;font-weight:650}
h3{margin:1.25em 0 .5em;font-size:1em;font-weight:650}
p{margin:.25em 0}
.points{display:flex;align-items:baseline;gap:.4em;flex-wrap:wrap}
.points strong{font-size:2em;line-height:1.1;font-weight:700}
.muted{color:var(--muted);font-size:.9em}
progress{display:block;width:100%;height:.6em;margin:.4em 0;accent-color:var(--accent)}
ul{margin:0;padding:0;list-style:none;display:grid;gap:.5em}
li{padding:.75em;border:1px solid var(--line);border-radius:.5em;background:var(--card);display:flex;flex-wrap:wrap;align-items:center;gap:.5em}
li .what{flex:1 1 12em;min-width:0;overflow-wrap:anywhere}
.name{display:block;font-weight:600}
button{font:inherit;font-size:.9em;line-height:1.2;padding:.45em .9em;border-radius:.4em;border:1px solid var(--accent);background:var(--accent);color:var(--on-accent);cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}
button:disabled{opacity:.6;cursor:progress}
button:focus-visible,input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.confirm,.coupon{flex-basis:100%;display:flex;flex-wrap:wrap;align-items:center;gap:.5em}
.code{font:600 1.1em/1.3 ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.05em;padding:.2em .5em;border:1px dashed var(--fg);border-radius:.3em;user-select:all}
.row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}
input{font:inherit;font-size:.9em;flex:1 1 14em;min-width:0;padding:.4em .5em;border:1px solid var(--line);border-radius:.4em;background:var(--bg);color:var(--fg)}
label{display:block;font-size:.9em;margin-bottom:.25em}
.alert{color:var(--bad);font-weight:600}
`;

type Children = string | readonly (Node | string)[];

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string>> = {}, children: Children = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (typeof children === 'string') node.textContent = children;
  else node.append(...children);
  return node;
}

function button(label: string, onClick: () => void, attributes: Readonly<Record<string, string>> = {}): HTMLButtonElement {
  const node = element('button', { type: 'button', ...attributes }, label);
  node.addEventListener('click', onClick);
  return node;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const int = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) ? value : 0);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const formatPoints = (points: number) => points.toLocaleString();
const formatDate = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
};

/** An amount in a currency, from the API's decimal string (never through floating point arithmetic). */
function formatMoney(amount: string, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A failed call: the HTTP status and the problem+json detail (or a sentence of our own when there is none). */
class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The `sub` claim of a JWT, read without checking it (the API checks it); undefined when the token is not one. */
function subjectOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims: unknown = JSON.parse(json);
    return isRecord(claims) ? str(claims.sub) : undefined;
  } catch {
    return undefined;
  }
}

interface Balance {
  readonly available: number;
  readonly pending: number;
  readonly tier: string | undefined;
  readonly nextTier: { name: string; remaining: string; remainingMinor: number; currency: string } | undefined;
  readonly qualifyingMinor: number | undefined;
}

interface Reward {
  readonly rewardId: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly costPoints: number;
}

interface Redeemed {
  readonly redemptionId: string;
  readonly rewardId: string;
  readonly rewardName: string;
  readonly couponCode: string;
  readonly pointsSpent: number;
  readonly balance: { available: number; pending: number };
}

interface Pending {
  readonly kind: 'survey' | 'testimonial';
  readonly at: string;
}

function parseBalance(body: unknown): Balance {
  if (!isRecord(body)) throw new ApiProblem(0, MESSAGES.failed);
  const tier = isRecord(body.tier) ? str(body.tier.name) : undefined;
  const next = isRecord(body.nextTier) ? body.nextTier : undefined;
  const qualifying = isRecord(body.qualifyingSpend) ? body.qualifyingSpend : undefined;
  return {
    available: int(body.available),
    pending: int(body.pending),
    tier,
    nextTier: next && str(next.name) ? { name: String(next.name), remaining: String(next.remainingSpend), remainingMinor: int(next.remainingSpendMinor), currency: String(next.currency) } : undefined,
    qualifyingMinor: qualifying && qualifying.currency === next?.currency ? int(qualifying.amountMinor) : undefined,
  };
}

function parseRewards(body: unknown): Reward[] {
  const items = isRecord(body) && Array.isArray(body.items) ? body.items : [];
  return items.flatMap((item: unknown): Reward[] => {
    if (!isRecord(item) || item.active === false || !str(item.rewardId) || !str(item.name)) return [];
    return [{ rewardId: String(item.rewardId), name: String(item.name), description: str(item.description), costPoints: int(item.costPoints) }];
  });
}

let sharedSheet: CSSStyleSheet | undefined;

/** A constructed stylesheet needs no `style-src 'unsafe-inline'` in the host page's policy; older browsers get <style>. */
function adoptStyles(root: ShadowRoot): void {
  try {
    if (sharedSheet === undefined) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      sharedSheet = sheet;
    }
    root.adoptedStyleSheets = [sharedSheet];
  } catch {
    root.append(element('style', {}, STYLES));
  }
}

type TokenProvider = () => string | undefined | null | Promise<string | undefined | null>;

class LoyaltyRewardsElement extends HTMLElement {
  static readonly observedAttributes = ['api-base', 'token', 'customer-id'];

  private readonly frame: HTMLDivElement;
  private readonly status: HTMLParagraphElement;
  private tokenValue: string | undefined;
  private provider: TokenProvider | undefined;
  private balance: Balance | undefined;
  private rewards: Reward[] = [];
  private abort: AbortController | undefined;
  private loadQueued = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    adoptStyles(root);
    this.frame = element('div', { 'aria-busy': 'false' });
    // One polite live region for what a click did (copied, redeemed); errors use role=alert where they appear.
    this.status = element('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
    root.append(element('section', { class: 'box', 'aria-label': MESSAGES.heading }, [this.frame, this.status]));
  }

  /** The customer's token (overrides the attribute); setting it reloads. */
  get token(): string | undefined {
    return this.tokenValue ?? this.getAttribute('token') ?? undefined;
  }

  set token(value: string | undefined) {
    this.tokenValue = value || undefined;
    this.queueLoad();
  }

  /** Called before every request for a current token (may return a promise); setting it reloads. */
  get tokenProvider(): TokenProvider | undefined {
    return this.provider;
  }

  set tokenProvider(value: TokenProvider | undefined) {
    this.provider = typeof value === 'function' ? value : undefined;
    this.queueLoad();
  }

  connectedCallback(): void {
    this.queueLoad();
  }

  disconnectedCallback(): void {
    this.abort?.abort();
  }

  attributeChangedCallback(): void {
    this.queueLoad();
  }

  /** Reloads everything (after a sign-in on the page, say). */
  refresh(): void {
    this.queueLoad();
  }

  private queueLoad(): void {
    if (this.loadQueued) return;
    this.loadQueued = true;
    queueMicrotask(() => {
      this.loadQueued = false;
      if (this.isConnected) void this.load();
    });
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(EVENT_PREFIX + name, { detail, bubbles: true, composed: true }));
  }

  private apiBase(): string | undefined {
    try {
      const base = new URL(this.getAttribute('api-base')?.trim() || SCRIPT_ORIGIN, document.baseURI);
      return base.protocol === 'https:' || base.protocol === 'http:' ? base.href.replace(/\/+$/, '') : undefined;
    } catch {
      return undefined;
    }
  }

  private async currentToken(): Promise<string | undefined> {
    if (this.provider) {
      const provided = await this.provider();
      if (typeof provided === 'string' && provided !== '') return provided;
    }
    return this.token;
  }

  private async customerId(): Promise<string | undefined> {
    const explicit = this.getAttribute('customer-id')?.trim();
    if (explicit) return explicit;
    const token = await this.currentToken();
    return token === undefined ? undefined : subjectOf(token);
  }

  /** One API call as the customer; a 401 asks the provider for a fresh token and tries once more. */
  private async call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const base = this.apiBase();
    if (base === undefined) throw new ApiProblem(0, MESSAGES.badBase);
    for (let attempt = 0; ; attempt++) {
      const token = await this.currentToken();
      if (token === undefined) throw new ApiProblem(401, MESSAGES.signedOut);
      let response: Response;
      try {
        response = await fetch(base + path, {
          method,
          // The bearer token is the credential: no cookies of the API's host, and a CORS request the API allow-lists.
          credentials: 'omit',
          cache: 'no-store',
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(this.abort ? { signal: this.abort.signal } : {}),
        });
      } catch (error) {
        if (this.abort?.signal.aborted) throw error;
        throw new ApiProblem(0, `${MESSAGES.failed} The network or the API's CORS settings refused the request.`);
      }
      if (response.status === 401 && attempt === 0 && this.provider) continue;
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (!response.ok) throw new ApiProblem(response.status, (isRecord(json) && str(json.detail)) || (isRecord(json) && str(json.title)) || `${MESSAGES.failed} (HTTP ${response.status})`);
      return json;
    }
  }

  private async load(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.frame.setAttribute('aria-busy', 'true');
    this.frame.replaceChildren(element('p', {}, MESSAGES.loading));
    try {
      const customerId = await this.customerId();
      if (customerId === undefined) throw new ApiProblem(401, MESSAGES.signedOut);
      const customer = `/v1/customers/${encodeURIComponent(customerId)}`;
      const [balance, rewards, referral, pending] = await Promise.all([
        this.call('GET', `${customer}/loyalty`).then(parseBalance),
        this.call('GET', '/v1/rewards?limit=100').then(parseRewards),
        this.referralLink(customer, false),
        this.pendingRequests(customer),
      ]);
      if (abort.signal.aborted) return;
      this.balance = balance;
      this.rewards = rewards;
      this.render(customer, referral, pending);
      this.emit('loaded', { available: balance.available, pending: balance.pending, tier: balance.tier ?? null });
    } catch (error) {
      if (abort.signal.aborted) return;
      this.showFailure(error);
    } finally {
      if (this.abort === abort) this.frame.setAttribute('aria-busy', 'false');
    }
  }

  private showFailure(error: unknown): void {
    const problem = error instanceof ApiProblem ? error : new ApiProblem(0, MESSAGES.failed);
    this.emit('error', { status: problem.status, detail: problem.detail });
    const signedOut = problem.status === 401 && problem.detail === MESSAGES.signedOut;
    this.frame.replaceChildren(
      element('h2', {}, MESSAGES.heading),
      element('p', signedOut ? {} : { class: 'alert', role: 'alert' }, problem.detail),
      ...(signedOut ? [] : [button(MESSAGES.retry, () => this.queueLoad(), { class: 'secondary' })]),
    );
  }

  /** The customer's share link: read it, or (create = true, the customer asked) create their code. 404: none yet. */
  private async referralLink(customer: string, create: boolean): Promise<string | undefined> {
    try {
      const body = await this.call(create ? 'POST' : 'GET', `${customer}/referral-code`, create ? {} : undefined);
      return isRecord(body) && body.status === 'active' ? str(body.link) : undefined;
    } catch (error) {
      if (!create && error instanceof ApiProblem && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Survey and testimonial requests still open for the customer. A failure here hides the list, nothing more. */
  private async pendingRequests(customer: string): Promise<Pending[]> {
    const [feedback, testimonials] = await Promise.all([this.call('GET', `${customer}/feedback?limit=20`).catch(() => undefined), this.call('GET', `${customer}/testimonials`).catch(() => undefined)]);
    const surveys = isRecord(feedback) && Array.isArray(feedback.items) ? feedback.items : [];
    const requests = isRecord(testimonials) && Array.isArray(testimonials.requests) ? testimonials.requests : [];
    const open = (items: unknown[], kind: Pending['kind'], at: 'requestedAt' | 'createdAt') =>
      items.flatMap((item: unknown): Pending[] => (isRecord(item) && item.status === 'requested' && str(item[at]) ? [{ kind, at: String(item[at]) }] : []));
    return [...open(surveys, 'survey', 'requestedAt'), ...open(requests, 'testimonial', 'createdAt')];
  }

  private render(customer: string, referral: string | undefined, pending: Pending[]): void {
    const balance = this.balance as Balance;
    const parts: Node[] = [element('h2', {}, MESSAGES.heading), this.pointsBlock(balance), ...this.tierBlock(balance)];
    parts.push(element('h3', {}, MESSAGES.rewardsHeading), element('div', { class: 'rewards-section' }, [this.rewardsList(customer)]));
    parts.push(this.referralBlock(customer, referral));
    if (pending.length > 0) {
      parts.push(
        element('h3', {}, MESSAGES.requestsHeading),
        element('ul', { role: 'list', class: 'requests' }, pending.map((request) => element('li', {}, request.kind === 'survey' ? MESSAGES.surveyRequest(formatDate(request.at)) : MESSAGES.testimonialRequest(formatDate(request.at))))),
      );
    }
    this.frame.replaceChildren(...parts);
  }

  private pointsBlock(balance: Balance): HTMLElement {
    return element('div', { class: 'balance' }, [
      element('p', { class: 'points' }, [element('strong', { class: 'available' }, formatPoints(balance.available)), element('span', {}, MESSAGES.available)]),
      ...(balance.pending > 0 ? [element('p', { class: 'muted pending' }, MESSAGES.pending(formatPoints(balance.pending)))] : []),
    ]);
  }

  private tierBlock(balance: Balance): Node[] {
    const parts: Node[] = [element('p', { class: 'tier' }, balance.tier ? MESSAGES.tier(balance.tier) : MESSAGES.noTier)];
    const next = balance.nextTier;
    if (next === undefined) {
      if (balance.tier) parts.push(element('p', { class: 'muted' }, MESSAGES.topTier));
      return parts;
    }
    const sentence = MESSAGES.nextTier(formatMoney(next.remaining, next.currency), next.name);
    if (balance.qualifyingMinor !== undefined && balance.qualifyingMinor + next.remainingMinor > 0) {
      const progress = element('progress', { max: String(balance.qualifyingMinor + next.remainingMinor), value: String(balance.qualifyingMinor), 'aria-label': MESSAGES.progressLabel(next.name) });
      parts.push(progress);
    }
    parts.push(element('p', { class: 'muted next-tier' }, sentence));
    return parts;
  }

  private rewardsList(customer: string): HTMLElement {
    const available = this.balance?.available ?? 0;
    const affordable = this.rewards.filter((reward) => reward.costPoints <= available).sort((a, b) => a.costPoints - b.costPoints);
    if (affordable.length === 0) return element('p', { class: 'muted' }, MESSAGES.noRewards);
    return element(
      'ul',
      { role: 'list', class: 'rewards' },
      affordable.map((reward) => {
        const item = element('li', { 'data-reward-id': reward.rewardId });
        const what = element('span', { class: 'what' }, [element('span', { class: 'name' }, reward.name), element('span', { class: 'muted' }, reward.description ? `${MESSAGES.cost(formatPoints(reward.costPoints))} · ${reward.description}` : MESSAGES.cost(formatPoints(reward.costPoints)))]);
        const redeem = button(MESSAGES.redeem, () => this.askToConfirm(customer, reward, item, redeem), { 'aria-label': MESSAGES.redeemLabel(reward.name) });
        item.append(what, redeem);
        return item;
      }),
    );
  }

  /** The confirmation step: nothing is spent until the customer says yes. Escape or Cancel goes back. */
  private askToConfirm(customer: string, reward: Reward, item: HTMLLIElement, redeem: HTMLButtonElement): void {
    redeem.hidden = true;
    const question = element('span', {}, MESSAGES.confirmQuestion(reward.name, formatPoints(reward.costPoints)));
    const error = element('span', { class: 'alert', role: 'alert' });
    const back = () => {
      panel.remove();
      redeem.hidden = false;
      redeem.focus();
    };
    // One idempotency key per confirmation: a retried click after a lost answer replays the same redemption.
    const idempotencyKey = crypto.randomUUID();
    const yes = button(MESSAGES.confirm, () => void this.redeem(customer, reward, panel, yes, no, error, idempotencyKey));
    const no = button(MESSAGES.cancel, back, { class: 'secondary' });
    const panel = element('div', { class: 'confirm', role: 'group', 'aria-label': MESSAGES.redeemLabel(reward.name) }, [question, yes, no, error]);
    panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') back();
    });
    item.append(panel);
    yes.focus();
  }

  private async redeem(customer: string, reward: Reward, panel: HTMLElement, yes: HTMLButtonElement, no: HTMLButtonElement, error: HTMLElement, idempotencyKey: string): Promise<void> {
    yes.disabled = true;
    no.disabled = true;
    yes.textContent = MESSAGES.redeeming;
    error.textContent = '';
    try {
      const body = await this.call('POST', `${customer}/redemptions`, { rewardId: reward.rewardId }, { 'idempotency-key': idempotencyKey });
      if (!isRecord(body) || !str(body.couponCode)) throw new ApiProblem(0, MESSAGES.failed);
      const redeemed: Redeemed = {
        redemptionId: String(body.redemptionId),
        rewardId: reward.rewardId,
        rewardName: str(body.rewardName) ?? reward.name,
        couponCode: String(body.couponCode),
        pointsSpent: int(body.pointsSpent),
        balance: isRecord(body.balance) ? { available: int(body.balance.available), pending: int(body.balance.pending) } : { available: 0, pending: 0 },
      };
      this.emit('redeemed', redeemed);
      this.showCoupon(customer, redeemed, panel);
    } catch (problem) {
      yes.disabled = false;
      no.disabled = false;
      yes.textContent = MESSAGES.confirm;
      const detail = problem instanceof ApiProblem ? problem.detail : MESSAGES.failed;
      error.textContent = detail;
      this.emit('error', { status: problem instanceof ApiProblem ? problem.status : 0, detail });
    }
  }

  private showCoupon(customer: string, redeemed: Redeemed, panel: HTMLElement): void {
    const code = element('span', { class: 'code' }, redeemed.couponCode);
    const copy = button(MESSAGES.copy, () => void this.copy(redeemed.couponCode, 'coupon'), { 'aria-label': MESSAGES.copyCoupon });
    // Done: the list again, with what is still affordable after the spend.
    const done = button(MESSAGES.done, () => this.frame.querySelector('.rewards-section')?.replaceChildren(this.rewardsList(customer)), { class: 'secondary' });
    const coupon = element('div', { class: 'coupon', role: 'group', 'aria-label': MESSAGES.couponHeading(redeemed.rewardName) }, [
      element('span', { class: 'name' }, MESSAGES.couponHeading(redeemed.rewardName)),
      code,
      copy,
      done,
      element('span', { class: 'muted' }, MESSAGES.couponHint),
    ]);
    panel.replaceWith(coupon);
    // The balance the redemption answered.
    if (this.balance) {
      this.balance = { ...this.balance, available: redeemed.balance.available, pending: redeemed.balance.pending };
      this.frame.querySelector('.balance')?.replaceWith(this.pointsBlock(this.balance));
    }
    this.status.textContent = `${MESSAGES.couponHeading(redeemed.rewardName)}: ${redeemed.couponCode}`;
    copy.focus();
  }

  private async copy(text: string, what: 'coupon' | 'referral-link'): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.status.textContent = MESSAGES.copied;
      this.emit('copied', { what });
    } catch {
      this.status.textContent = MESSAGES.copyFailed;
    }
  }

  private referralBlock(customer: string, link: string | undefined): HTMLElement {
    const block = element('div', { class: 'referral' }, [element('h3', {}, MESSAGES.referralHeading), element('p', { class: 'muted' }, MESSAGES.referralHint)]);
    if (link === undefined) {
      const error = element('p', { class: 'alert', role: 'alert' });
      const get = button(MESSAGES.getLink, () => {
        get.disabled = true;
        error.textContent = '';
        this.referralLink(customer, true)
          .then((created) => {
            if (created === undefined) throw new ApiProblem(0, MESSAGES.failed);
            const replacement = this.referralBlock(customer, created);
            block.replaceWith(replacement);
            replacement.querySelector('input')?.focus();
          })
          .catch((problem: unknown) => {
            get.disabled = false;
            error.textContent = problem instanceof ApiProblem ? problem.detail : MESSAGES.failed;
          });
      });
      block.append(element('div', { class: 'row' }, [get]), error);
      return block;
    }
    const id = 'loyalty-rewards-referral-link';
    const input = element('input', { id, type: 'text', readonly: '', value: link, spellcheck: 'false' });
    input.addEventListener('focus', () => input.select());
    const row = element('div', { class: 'row' }, [input, button(MESSAGES.copyLink, () => void this.copy(link, 'referral-link'))]);
    if (typeof navigator.share === 'function') {
      row.append(
        button(
          MESSAGES.share,
          () => {
            // A dismissed share sheet rejects: nothing to report.
            navigator.share({ title: MESSAGES.shareTitle, url: link }).catch(() => undefined);
          },
          { class: 'secondary' },
        ),
      );
    }
    block.append(element('label', { for: id }, MESSAGES.referralLabel), row);
    return block;
  }
}

// The script may be on a page twice (the loader and a CDN copy): the first one defines the element.
if (!customElements.get(ELEMENT_NAME)) customElements.define(ELEMENT_NAME, LoyaltyRewardsElement);
