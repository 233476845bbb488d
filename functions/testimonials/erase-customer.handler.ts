import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { SERVICE, testimonialsRepository } from './testimonials.context';

testimonialsRepository();

/** Withdraws and blanks every testimonial of the customer (off every wall at once), forgets the profile and case study. */
export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerErasureRequested] }, async (event) => {
  const { requestId, customerId } = event.detail.data;
  await testimonialsRepository().eraseCustomer(requestId, customerId, now().toISOString());
});
