import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { customersRepository, SERVICE } from './customers.context';
import { eraseCustomersData } from './domain/use-cases';

customersRepository();

export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerErasureRequested] }, async (event) => {
  const { requestId, customerId } = event.detail.data;
  await eraseCustomersData(customersRepository(), { requestId, customerId }, now().toISOString());
});
