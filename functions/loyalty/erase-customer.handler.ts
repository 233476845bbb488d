import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { now } from '../../shared/clock';
import { loadConfig, nonEmpty } from '../../shared/config';
import { eventConsumer } from '../../shared/events/consumer';
import { eraseLoyaltyData } from './domain/privacy';
import { LoyaltyPrivacy } from './loyalty.repository';
import { SERVICE } from './loyalty.context';

const config = loadConfig({ LOYALTY_TABLE_NAME: nonEmpty });
const privacy = new LoyaltyPrivacy(dynamoDocumentClient(), config.LOYALTY_TABLE_NAME);

export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerErasureRequested] }, async (event) => {
  const { requestId, customerId } = event.detail.data;
  await eraseLoyaltyData(privacy, { requestId, customerId }, now().toISOString());
});
