import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { DELIVERABLE_EVENTS } from '../../events/deliverable';
import { WEBHOOKS_OUT_EVENTS } from '../../events/webhooks-out';
import { defineService, keyedTable } from '../../shared/service/declarations';
import * as routes from './webhooks-out.routes';

const reads = { memoryMb: 256, timeoutSeconds: 10, tables: { webhooksOut: 'read' } } as const;
const writes = { memoryMb: 256, timeoutSeconds: 10, tables: { webhooksOut: 'readWrite' } } as const;
/** A replay sends inline: up to the 15 s request timeout, inside API Gateway's 30 s. */
const sends = { memoryMb: 256, timeoutSeconds: 25, tables: { webhooksOut: 'readWrite' } } as const;
const consumer = { retryAttempts: 2, maxEventAgeSeconds: 6 * 3600 } as const;
const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * Outbound webhooks: merchants' endpoints receive the events they subscribe to, signed per Standard Webhooks, retried
 * on its schedule (at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) by a due-time index the schedule sweeps each
 * minute; a delivery log with every attempt, and replay.
 */
export const webhooksOutService = defineService({
  name: 'webhooks-out',
  description: 'Outbound webhooks: endpoints, Standard Webhooks signing, retries, the delivery log and replay',
  tables: {
    // gsi1: pending deliveries by due time (keys only: the schedule re-reads each); gsi2: a customer's messages and
    // deliveries (keys only), for export and erasure. Messages expire after the payload retention, the log after its own.
    webhooksOut: keyedTable({
      envVar: 'WEBHOOKS_OUT_TABLE_NAME',
      indexes: [
        { name: 'gsi1', projection: 'keys' },
        { name: 'gsi2', projection: 'keys' },
      ],
      stream: true,
      timeToLiveAttribute: 'expiresAt',
    }),
  },
  functions: {
    createWebhookEndpoint: { entry: 'functions/webhooks-out/create-endpoint.handler.ts', description: 'POST /v1/webhook-endpoints', ...writes },
    listWebhookEndpoints: { entry: 'functions/webhooks-out/list-endpoints.handler.ts', description: 'GET /v1/webhook-endpoints', ...reads },
    getWebhookEndpoint: { entry: 'functions/webhooks-out/get-endpoint.handler.ts', description: 'GET /v1/webhook-endpoints/{endpointId}', ...reads },
    updateWebhookEndpoint: { entry: 'functions/webhooks-out/update-endpoint.handler.ts', description: 'PATCH /v1/webhook-endpoints/{endpointId}', ...writes },
    deleteWebhookEndpoint: { entry: 'functions/webhooks-out/delete-endpoint.handler.ts', description: 'DELETE /v1/webhook-endpoints/{endpointId}', ...writes },
    rotateWebhookSecret: { entry: 'functions/webhooks-out/rotate-secret.handler.ts', description: 'POST /v1/webhook-endpoints/{endpointId}/secret-rotations', ...writes },
    listWebhookDeliveries: { entry: 'functions/webhooks-out/list-deliveries.handler.ts', description: 'GET /v1/webhook-endpoints/{endpointId}/deliveries', ...reads },
    getWebhookDelivery: { entry: 'functions/webhooks-out/get-delivery.handler.ts', description: 'GET /v1/webhook-endpoints/{endpointId}/deliveries/{messageId}', ...reads },
    replayWebhookDelivery: { entry: 'functions/webhooks-out/replay-delivery.handler.ts', description: 'POST /v1/webhook-endpoints/{endpointId}/deliveries/{messageId}/replay', ...sends },
    replayFailedWebhooks: { entry: 'functions/webhooks-out/replay-failed.handler.ts', description: 'POST /v1/webhook-endpoints/{endpointId}/replays', ...writes },
    webhookFanOut: {
      entry: 'functions/webhooks-out/fan-out.handler.ts',
      description: 'Sends each deliverable event to the endpoints subscribed to it (first attempt)',
      memoryMb: 256,
      // Four endpoints at a time, each at most the 15 s request timeout: 20 endpoints fit.
      timeoutSeconds: 90,
      tables: { webhooksOut: 'readWrite' },
    },
    webhookSchedules: {
      entry: 'functions/webhooks-out/schedules.handler.ts',
      description: 'Sends due webhook retries',
      memoryMb: 256,
      timeoutSeconds: 300,
      tables: { webhooksOut: 'readWrite' },
    },
    eraseWebhooksOutCustomer: { entry: 'functions/webhooks-out/erase-customer.handler.ts', description: 'CustomerErasureRequested in the outbound webhooks service', memoryMb: 256, timeoutSeconds: 120, tables: { webhooksOut: 'readWrite' } },
    exportWebhooksOutCustomer: { entry: 'functions/webhooks-out/export-customer.handler.ts', description: "The outbound webhooks part of a customer's data export", memoryMb: 256, timeoutSeconds: 25, tables: { webhooksOut: 'read' } },
  },
  routes: [
    { route: routes.createWebhookEndpoint, function: 'createWebhookEndpoint' },
    { route: routes.listWebhookEndpoints, function: 'listWebhookEndpoints' },
    { route: routes.getWebhookEndpoint, function: 'getWebhookEndpoint' },
    { route: routes.updateWebhookEndpoint, function: 'updateWebhookEndpoint' },
    { route: routes.deleteWebhookEndpoint, function: 'deleteWebhookEndpoint' },
    { route: routes.rotateWebhookSecret, function: 'rotateWebhookSecret' },
    { route: routes.listWebhookDeliveries, function: 'listWebhookDeliveries' },
    { route: routes.getWebhookDelivery, function: 'getWebhookDelivery' },
    { route: routes.replayWebhookDelivery, function: 'replayWebhookDelivery' },
    { route: routes.replayFailedWebhooks, function: 'replayFailedWebhooks' },
  ],
  subscriptions: [
    // One rule per deliverable event, each matching exactly its contract's source, detail-type and version.
    ...DELIVERABLE_EVENTS.map((event) => ({ name: `webhooks-out-${kebab(event.detailType)}`, event, function: 'webhookFanOut', ...consumer })),
    { name: 'webhooks-out-erase-customer', event: CustomerErasureRequested, function: 'eraseWebhooksOutCustomer', ...consumer },
  ],
  schedules: [{ name: 'webhooks-out-send-due', function: 'webhookSchedules', expression: 'rate(1 minute)', description: 'Due webhook retries are sent' }],
  produces: [...WEBHOOKS_OUT_EVENTS],
  privacy: { export: 'exportWebhooksOutCustomer', erase: 'eraseWebhooksOutCustomer' },
});
