import type { Delivery } from './domain/delivery';
import type { Endpoint } from './domain/endpoint';

/** An endpoint as the API shows it: never a secret, only when the current one was made and when the previous one stops. */
export function endpointView(endpoint: Endpoint, now: string) {
  const [current, ...previous] = endpoint.secrets;
  const stillValid = previous.filter((secret) => secret.expiresAt && secret.expiresAt > now).map((secret) => secret.expiresAt as string);
  return {
    endpointId: endpoint.endpointId,
    url: endpoint.url,
    eventTypes: [...endpoint.eventTypes],
    ...(endpoint.description ? { description: endpoint.description } : {}),
    enabled: endpoint.enabled,
    ...(endpoint.disabled ? { disabled: endpoint.disabled } : {}),
    ...(endpoint.failingSince ? { failingSince: endpoint.failingSince } : {}),
    secretCreatedAt: current?.createdAt ?? endpoint.createdAt,
    ...(stillValid.length > 0 ? { previousSecretExpiresAt: stillValid.sort().at(-1) as string } : {}),
    createdAt: endpoint.createdAt,
    createdBy: endpoint.createdBy,
    updatedAt: endpoint.updatedAt,
  };
}

export function deliveryView(delivery: Delivery) {
  return {
    messageId: delivery.messageId,
    endpointId: delivery.endpointId,
    eventType: delivery.eventType,
    occurredAt: delivery.occurredAt,
    status: delivery.status,
    ...(delivery.failedReason ? { failedReason: delivery.failedReason } : {}),
    ...(delivery.status === 'pending' && delivery.nextAttemptAt ? { nextAttemptAt: delivery.nextAttemptAt } : {}),
    attemptCount: delivery.attemptCount,
    attempts: delivery.attempts.map((attempt) => ({ ...attempt })),
    createdAt: delivery.createdAt,
  };
}
