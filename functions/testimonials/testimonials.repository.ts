import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CaseStudyStageChanged, TestimonialApproved, TestimonialRejected, TestimonialRequested, TestimonialSubmitted, TestimonialWithdrawn } from '../../events/testimonials';
import type { EventContract } from '../../events/contract';
import { queryAll } from '../../shared/aws/query';
import { conditionalWrite, transactWrite, type LabelledItem } from '../../shared/aws/transactions';
import { saveVersionedDocument } from '../../shared/aws/versioned';
import { encodeCursor, startKeyOf, type Page } from '../../shared/domain/pagination';
import { confirmErasureOnce, ERASED } from '../../shared/events/erasure';
import { OUTBOX_ATTRIBUTE, outboxRecord } from '../../shared/events/outbox';
import { scoreSortKey, type CaseStudy } from './domain/candidates';
import type { TestimonialSettings } from './domain/settings';
import type { Announcement, ModerationQuery, StoredProfile, TestimonialEventName, TestimonialStore, Versioned } from './domain/store';
import { isPublishable, wallSortKey, type Testimonial, type TestimonialRequest, type Wall } from './domain/testimonial';
import { caseStudyFromItem, profileFromItem, requestFromItem, settingsFromItem, testimonialFromItem, wallFromItem } from './testimonials.items';

/**
 * The testimonials table (owned by this service alone):
 *   SETTINGS / CURRENT and V#<n>            the testimonial settings and their versions
 *   REQUEST#<id> / REQUEST                  a request and its link's hash; gsi2 CUSTOMER#<id> REQ#…
 *   TESTIMONIAL#<id> / TESTIMONIAL          a submission; gsi1 STATUS#<status> newest first (the moderation queue),
 *                                           gsi2 CUSTOMER#<id> TST#…, gsi3 PUBLISHED in wall order while publishable
 *                                           (keys only: a wall re-reads each consistently, so a withdrawal is gone at once)
 *   <entity pk> / EVENT#<name>#<key>        an event's outbox item; expires once relayed
 *   WALL#<id> / WALL                        a wall's definition (`default` exists without one)
 *   PROFILE#<customerId> / PROFILE          the advocacy profile and its score; gsi4 CANDIDATES by score while eligible
 *   PROFILE#<customerId> / CASESTUDY        the case-study pipeline and its notes
 */
const requestPk = (requestId: string) => `REQUEST#${requestId}`;
const testimonialPk = (testimonialId: string) => `TESTIMONIAL#${testimonialId}`;
const profilePk = (customerId: string) => `PROFILE#${customerId}`;
const EVENT_ITEM_RETENTION_SECONDS = 7 * 24 * 3600;
const CONTRACTS: Record<TestimonialEventName, EventContract> = { TestimonialRequested, TestimonialSubmitted, TestimonialApproved, TestimonialRejected, TestimonialWithdrawn, CaseStudyStageChanged };

type Label = 'request' | 'testimonial' | 'caseStudy' | 'event';

const versionCondition = (expectedVersion: number) =>
  expectedVersion === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };

export function requestItem(request: TestimonialRequest): Record<string, unknown> {
  return {
    pk: requestPk(request.requestId),
    sk: 'REQUEST',
    type: 'testimonialRequest',
    ...request,
    // `expiresAt` is the table's TTL attribute (epoch seconds): the link's expiry has its own name.
    expiresAt: undefined,
    linkExpiresAt: request.expiresAt,
    gsi2pk: `CUSTOMER#${request.customerId}`,
    gsi2sk: `REQ#${request.createdAt}#${request.requestId}`,
  };
}

export function testimonialItem(testimonial: Testimonial): Record<string, unknown> {
  return {
    pk: testimonialPk(testimonial.testimonialId),
    sk: 'TESTIMONIAL',
    type: 'testimonial',
    ...testimonial,
    gsi1pk: `STATUS#${testimonial.status}`,
    gsi1sk: `${testimonial.submittedAt}#${testimonial.testimonialId}`,
    gsi2pk: `CUSTOMER#${testimonial.customerId}`,
    gsi2sk: `TST#${testimonial.submittedAt}#${testimonial.testimonialId}`,
    // Sparse: only publishable testimonials are in the wall index.
    ...(isPublishable(testimonial) ? { gsi3pk: 'PUBLISHED', gsi3sk: wallSortKey(testimonial) } : {}),
  };
}

export class TestimonialsRepository implements TestimonialStore {
  private cachedSettings: { settings: TestimonialSettings | undefined; until: number } | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getSettings(): Promise<TestimonialSettings | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'SETTINGS', sk: 'CURRENT' }, ConsistentRead: true }));
    return result.Item ? settingsFromItem(result.Item) : undefined;
  }

  async getSettingsCached(ttlMs = 10_000): Promise<TestimonialSettings | undefined> {
    if (this.cachedSettings && this.cachedSettings.until > Date.now()) return this.cachedSettings.settings;
    const settings = await this.getSettings();
    this.cachedSettings = { settings, until: Date.now() + ttlMs };
    return settings;
  }

  async saveSettings(settings: TestimonialSettings, previousVersion: number): Promise<'saved' | 'conflict'> {
    const outcome = await saveVersionedDocument(this.client, this.tableName, { pk: 'SETTINGS', attribute: 'settings', version: settings.version, value: settings }, previousVersion);
    this.cachedSettings = undefined;
    return outcome;
  }

  async getRequest(requestId: string): Promise<TestimonialRequest | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: requestPk(requestId), sk: 'REQUEST' }, ConsistentRead: true }));
    return result.Item ? requestFromItem(result.Item) : undefined;
  }

  async getTestimonial(testimonialId: string): Promise<Testimonial | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: testimonialPk(testimonialId), sk: 'TESTIMONIAL' }, ConsistentRead: true }));
    return result.Item ? testimonialFromItem(result.Item) : undefined;
  }

  private eventItem(pk: string, announcement: Announcement): LabelledItem<Label> {
    const entity = pk.slice(pk.indexOf('#') + 1);
    const event = outboxRecord(CONTRACTS[announcement.event], announcement.data as never, { eventId: `${announcement.event}:${entity}:${announcement.key}`, occurredAt: announcement.at });
    return {
      label: 'event',
      item: {
        Put: {
          TableName: this.tableName,
          Item: { pk, sk: `EVENT#${announcement.event}#${announcement.key}`, type: 'event', expiresAt: Math.floor(Date.parse(announcement.at) / 1000) + EVENT_ITEM_RETENTION_SECONDS, [OUTBOX_ATTRIBUTE]: event },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    };
  }

  async commit(change: { request?: Versioned<TestimonialRequest>; testimonial?: Versioned<Testimonial>; announce: readonly Announcement[] }): Promise<'committed' | 'conflict'> {
    const items: LabelledItem<Label>[] = [];
    if (change.request) items.push({ label: 'request', item: { Put: { TableName: this.tableName, Item: requestItem(change.request.next), ...versionCondition(change.request.expectedVersion) } } });
    if (change.testimonial) items.push({ label: 'testimonial', item: { Put: { TableName: this.tableName, Item: testimonialItem(change.testimonial.next), ...versionCondition(change.testimonial.expectedVersion) } } });
    // Events live with the entity they describe: the testimonial's when there is one, else the request's.
    const owner = change.testimonial ? testimonialPk(change.testimonial.next.testimonialId) : change.request ? requestPk(change.request.next.requestId) : undefined;
    if (!owner && change.announce.length > 0) throw new Error('an announcement needs the entity it is about');
    for (const announcement of change.announce) items.push(this.eventItem(owner as string, announcement));
    if (items.length === 0) return 'committed';
    const outcome = await transactWrite(this.client, items);
    return outcome.kind === 'committed' ? 'committed' : 'conflict';
  }

  async moderationPage(query: ModerationQuery): Promise<Page<Testimonial>> {
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': `STATUS#${query.status}` };
    if (query.tag) {
      filters.push('contains(tags, :tag)');
      values[':tag'] = query.tag;
    }
    if (query.rating !== undefined) {
      filters.push('rating = :rating');
      values[':rating'] = query.rating;
    }
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: startKeyOf(query.cursor, 'gsi1pk', `STATUS#${query.status}`),
      }),
    );
    return { items: (result.Items ?? []).map(testimonialFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async customerTestimonials(customerId: string): Promise<Testimonial[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :type)',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':type': 'TST#' },
      ScanIndexForward: false,
    });
    return items.map(testimonialFromItem);
  }

  async customerRequests(customerId: string): Promise<TestimonialRequest[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :type)',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':type': 'REQ#' },
      ScanIndexForward: false,
    });
    return items.map(requestFromItem);
  }

  /** Consistent reads of the given keys (BatchGetItem, following UnprocessedKeys), in the order asked. */
  private async consistentItems(keys: readonly { pk: string; sk: string }[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + 100).map((key) => ({ pk: key.pk, sk: key.sk }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
        if (attempt > 8) throw new Error('BatchGetItem kept returning unprocessed keys');
        const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) found.set(`${String(item.pk)}|${String(item.sk)}`, item);
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }

  async publishedPage(limit: number, cursor?: Record<string, unknown>): Promise<{ items: Testimonial[]; cursor?: Record<string, unknown> }> {
    const result = await this.client.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'gsi3', KeyConditionExpression: 'gsi3pk = :pk', ExpressionAttributeValues: { ':pk': 'PUBLISHED' }, Limit: limit, ExclusiveStartKey: cursor }),
    );
    const keys = (result.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
    const items = await this.consistentItems(keys);
    // The index orders; the table decides: one withdrawn a moment ago is no longer publishable here, whatever the index says.
    const testimonials = keys.flatMap((key) => {
      const item = items.get(`${key.pk}|${key.sk}`);
      return item ? [testimonialFromItem(item)] : [];
    });
    return { items: testimonials.filter(isPublishable), ...(result.LastEvaluatedKey ? { cursor: result.LastEvaluatedKey } : {}) };
  }

  async getWall(wallId: string): Promise<Wall | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `WALL#${wallId}`, sk: 'WALL' }, ConsistentRead: true }));
    return result.Item ? wallFromItem(result.Item) : undefined;
  }

  async saveWall(change: Versioned<Wall>): Promise<'saved' | 'conflict'> {
    const outcome = await conditionalWrite(() =>
      this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: `WALL#${change.next.wallId}`, sk: 'WALL', type: 'wall', gsi2pk: 'WALLS', gsi2sk: change.next.wallId, ...change.next }, ...versionCondition(change.expectedVersion) })),
    );
    return outcome === 'done' ? 'saved' : 'conflict';
  }

  async deleteWall(wallId: string): Promise<boolean> {
    const outcome = await conditionalWrite(() => this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `WALL#${wallId}`, sk: 'WALL' }, ConditionExpression: 'attribute_exists(pk)' })));
    return outcome === 'done';
  }

  async listWalls(): Promise<Wall[]> {
    const items = await queryAll(this.client, { TableName: this.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': 'WALLS' } });
    return items.map(wallFromItem);
  }

  async getProfile(customerId: string): Promise<StoredProfile | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: profilePk(customerId), sk: 'PROFILE' }, ConsistentRead: true }));
    return result.Item ? profileFromItem(result.Item) : undefined;
  }

  async saveProfile(customerId: string, stored: StoredProfile, expectedVersion: number): Promise<'saved' | 'conflict'> {
    const item = {
      pk: profilePk(customerId),
      sk: 'PROFILE',
      type: 'advocacyProfile',
      ...stored,
      // Sparse: only eligible customers are in the candidates index, highest score first.
      ...(stored.score.eligible ? { gsi4pk: 'CANDIDATES', gsi4sk: `${scoreSortKey(stored.score.score)}#${customerId}` } : {}),
    };
    const outcome = await conditionalWrite(() => this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ...versionCondition(expectedVersion) })));
    return outcome === 'done' ? 'saved' : 'conflict';
  }

  async candidatesPage(limit: number, cursor?: Record<string, unknown>): Promise<{ items: StoredProfile[]; cursor?: Record<string, unknown> }> {
    const result = await this.client.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'gsi4', KeyConditionExpression: 'gsi4pk = :pk', ExpressionAttributeValues: { ':pk': 'CANDIDATES' }, ScanIndexForward: false, Limit: limit, ExclusiveStartKey: cursor }),
    );
    return { items: (result.Items ?? []).map(profileFromItem), ...(result.LastEvaluatedKey ? { cursor: result.LastEvaluatedKey } : {}) };
  }

  async getCaseStudy(customerId: string): Promise<CaseStudy | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: profilePk(customerId), sk: 'CASESTUDY' }, ConsistentRead: true }));
    return result.Item ? caseStudyFromItem(result.Item) : undefined;
  }

  async getCaseStudies(customerIds: readonly string[]): Promise<Map<string, CaseStudy>> {
    const items = await this.consistentItems(customerIds.map((customerId) => ({ pk: profilePk(customerId), sk: 'CASESTUDY' })));
    return new Map([...items.values()].map((item) => [String(item.customerId), caseStudyFromItem(item)]));
  }

  async commitCaseStudy(change: Versioned<CaseStudy>, announce: readonly Announcement[]): Promise<'committed' | 'conflict'> {
    const pk = profilePk(change.next.customerId);
    const items: LabelledItem<Label>[] = [{ label: 'caseStudy', item: { Put: { TableName: this.tableName, Item: { pk, sk: 'CASESTUDY', type: 'caseStudy', ...change.next }, ...versionCondition(change.expectedVersion) } } }];
    for (const announcement of announce) items.push(this.eventItem(pk, announcement));
    const outcome = await transactWrite(this.client, items);
    return outcome.kind === 'committed' ? 'committed' : 'conflict';
  }

  /**
   * Erasure: every testimonial of the customer is withdrawn (off every wall at once) and its words, name, title,
   * company and picture replaced; requests lose their email; the profile and the case study (notes are free text)
   * are deleted; event items still holding personal data lose it. Ratings and consent stay: they are not personal.
   */
  async eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number> {
    const [testimonials, requests] = await Promise.all([this.customerTestimonials(customerId), this.customerRequests(customerId)]);
    for (const testimonial of testimonials) {
      const erased: Testimonial = {
        ...testimonial,
        text: ERASED,
        displayName: ERASED,
        status: 'withdrawn',
        withdrawnAt: testimonial.withdrawnAt ?? erasedAt,
        withdrawnBy: testimonial.withdrawnBy ?? 'erasure',
        version: testimonial.version + 1,
      };
      const { title: _title, company: _company, avatarUrl: _avatar, ...rest } = erased;
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...testimonialItem(rest), erasedAt } }));
    }
    for (const request of requests) {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { pk: requestPk(request.requestId), sk: 'REQUEST' }, UpdateExpression: 'SET erasedAt = :at REMOVE email', ExpressionAttributeValues: { ':at': erasedAt } }));
    }
    for (const pk of [...testimonials.map((testimonial) => testimonialPk(testimonial.testimonialId)), ...requests.map((request) => requestPk(request.requestId)), profilePk(customerId)]) {
      const events = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)', ExpressionAttributeValues: { ':pk': pk, ':events': 'EVENT#' } });
      for (const event of events) await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { pk: event.pk, sk: event.sk }, UpdateExpression: `REMOVE ${OUTBOX_ATTRIBUTE}` }));
    }
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: profilePk(customerId), sk: 'PROFILE' } }));
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: profilePk(customerId), sk: 'CASESTUDY' } }));
    await confirmErasureOnce(this.client, this.tableName, { requestId, customerId, service: 'testimonials', itemsErased: testimonials.length + requests.length, erasedAt });
    return testimonials.length + requests.length;
  }
}
