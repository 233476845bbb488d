import * as z from 'zod';

/**
 * An event contract: the single owner of an event's source, detail-type, version and payload schema.
 * Producers build details with `detail()`, consumers parse with `detailSchema`, and EventBridge rules
 * (CDK and the local bus alike) use `pattern` — so the three can never disagree.
 */
export interface EventContract<DetailType extends string = string, Data extends z.ZodType = z.ZodType> {
  readonly source: string;
  readonly detailType: DetailType;
  readonly version: number;
  readonly dataSchema: Data;
  readonly detailSchema: z.ZodType<EventDetail<z.output<Data>>>;
  /** The EventBridge rule pattern selecting exactly this event at this version. */
  readonly pattern: EventPattern;
  /** A valid example payload, used in docs and contract tests. */
  readonly example: z.input<Data>;
  detail(data: z.input<Data>, metadata: { eventId: string; occurredAt: string }): EventDetail<z.output<Data>>;
}

export interface EventMetadata {
  /** Deterministic id of the state change (not EventBridge's envelope id): consumers deduplicate on it. */
  readonly eventId: string;
  readonly version: number;
  readonly occurredAt: string;
}

export interface EventDetail<Data> {
  readonly metadata: EventMetadata;
  readonly data: Data;
}

export interface EventPattern {
  readonly source: string[];
  readonly 'detail-type': string[];
  readonly detail: { metadata: { version: number[] } };
}

/** The EventBridge envelope as consumers receive it. */
export interface EventEnvelope<Detail = unknown> {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

export const SOURCE_PREFIX = 'loyalty-loop';

export function defineEvent<DetailType extends string, Data extends z.ZodType>(definition: {
  service: string;
  detailType: DetailType;
  version: number;
  data: Data;
  example: z.input<Data>;
}): EventContract<DetailType, Data> {
  const source = `${SOURCE_PREFIX}.${definition.service}`;
  const metadataSchema = z.object({
    eventId: z.string().min(1),
    version: z.literal(definition.version),
    occurredAt: z.iso.datetime({ offset: true }),
  });
  const detailSchema = z.object({ metadata: metadataSchema, data: definition.data }) as unknown as z.ZodType<
    EventDetail<z.output<Data>>
  >;
  return {
    source,
    detailType: definition.detailType,
    version: definition.version,
    dataSchema: definition.data,
    detailSchema,
    example: definition.example,
    pattern: {
      source: [source],
      'detail-type': [definition.detailType],
      detail: { metadata: { version: [definition.version] } },
    },
    detail(data, metadata) {
      return detailSchema.parse({ metadata: { ...metadata, version: definition.version }, data });
    },
  };
}
