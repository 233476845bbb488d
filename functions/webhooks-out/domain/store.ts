import type { Page } from '../../../shared/domain/pagination';
import type { Delivery, Message, SendResult } from './delivery';
import type { Endpoint } from './endpoint';

/** What the outbound webhooks use cases need of storage, in their own terms. */
export interface WebhooksOutStore {
  listEndpoints(): Promise<Endpoint[]>;
  getEndpoint(endpointId: string): Promise<Endpoint | undefined>;
  /** Creates (expectedVersion 0) or replaces the endpoint; a disable carries its announcement. */
  saveEndpoint(endpoint: Endpoint, expectedVersion: number, announce?: { disabled: true }): Promise<'saved' | 'conflict'>;
  deleteEndpoint(endpointId: string): Promise<'deleted' | 'missing'>;
  /** Idempotent: the same message always has the same content. */
  putMessage(message: Message, expiresAt: string): Promise<void>;
  getMessage(messageId: string): Promise<Message | undefined>;
  createDelivery(delivery: Delivery): Promise<'created' | 'exists'>;
  getDelivery(endpointId: string, messageId: string): Promise<Delivery | undefined>;
  saveDelivery(delivery: Delivery, expectedVersion: number): Promise<'saved' | 'conflict'>;
  listDeliveries(endpointId: string, options: { limit: number; cursor?: string; status?: Delivery['status'] }): Promise<Page<Delivery>>;
  /** Failed deliveries of an endpoint whose message is from `sinceMessageId` on, oldest first. */
  failedDeliveriesSince(endpointId: string, sinceMessageId: string, options: { limit: number; cursor?: string }): Promise<Page<Delivery>>;
  dueDeliveries(shard: number, now: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: { endpointId: string; messageId: string }[]; cursor?: Record<string, unknown> }>;
}

/** Sends one signed request to an endpoint: never follows redirects, refuses forbidden addresses where it connects. */
export interface WebhookSender {
  send(request: { url: string; headers: Record<string, string>; body: string }): Promise<SendResult>;
}
