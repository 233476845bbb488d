import type { AppTopology, FunctionName } from '../topology';

/** Functions that need a dead-letter queue: event consumers and stream consumers, each once. */
export function deadLetterQueueOwners(topology: AppTopology): FunctionName[] {
  const owners = new Set<FunctionName>();
  for (const subscription of topology.subscriptions) owners.add(subscription.function);
  for (const stream of topology.streams) owners.add(stream.function);
  for (const schedule of topology.schedules as readonly { function: FunctionName }[]) owners.add(schedule.function);
  return [...owners].sort();
}

/**
 * Lambda keeps one async-invoke configuration per function, so every subscription of a function must agree on
 * retries and maximum event age; the topology test and the CDK app both check it.
 */
export function asyncInvokeSettings(topology: AppTopology, functionName: FunctionName): { retryAttempts: number; maxEventAgeSeconds: number } | undefined {
  const subscriptions = topology.subscriptions.filter((subscription) => subscription.function === functionName);
  const first = subscriptions[0];
  if (!first) return undefined;
  for (const subscription of subscriptions) {
    if (subscription.retryAttempts !== first.retryAttempts || subscription.maxEventAgeSeconds !== first.maxEventAgeSeconds) {
      throw new Error(`Subscriptions of ${functionName} disagree on retryAttempts/maxEventAgeSeconds (${first.name} vs ${subscription.name})`);
    }
  }
  return { retryAttempts: first.retryAttempts, maxEventAgeSeconds: first.maxEventAgeSeconds };
}
