import { dynamoDocumentClient } from '../../shared/aws/clients';
import { now } from '../../shared/clock';
import { loadConfig, nonEmpty } from '../../shared/config';
import { httpHandler } from '../../shared/http/stack';
import { CustomersRepository } from '../customers/customers.repository';
import { activityView, emptyActivity } from '../customers/domain/activity';
import { LoyaltyPrivacy } from '../loyalty/loyalty.repository';
import { purchaseView } from '../purchases/domain/purchase';
import { customerParams } from '../../shared/domain/identifiers';
import { PurchasesRepository } from '../purchases/purchases.repository';

/**
 * GET /v1/customers/{customerId}/export (marketer, or the customer themself): everything every service holds about
 * the customer, as one JSON document (GDPR right of access). It only reads; each service's data comes from its table.
 */
const config = loadConfig({ PURCHASES_TABLE_NAME: nonEmpty, CUSTOMERS_TABLE_NAME: nonEmpty, LOYALTY_TABLE_NAME: nonEmpty });
const client = dynamoDocumentClient();
const purchases = new PurchasesRepository(client, config.PURCHASES_TABLE_NAME);
const customers = new CustomersRepository(client, config.CUSTOMERS_TABLE_NAME);
const loyalty = new LoyaltyPrivacy(client, config.LOYALTY_TABLE_NAME);

export const handler = httpHandler({ service: 'privacy', params: customerParams }, async ({ params }) => {
  const { customerId } = params;
  const [orders, activity, points] = await Promise.all([purchases.exportCustomer(customerId), customers.getActivity(customerId), loyalty.exportCustomer(customerId)]);
  return {
    status: 200,
    body: {
      customerId,
      exportedAt: now().toISOString(),
      purchases: orders.map((order) => purchaseView(order.purchase, order.refunds)),
      activity: activityView(activity ?? emptyActivity(customerId)),
      loyalty: points,
    },
    headers: { 'content-disposition': `attachment; filename="customer-${customerId}-export.json"` },
  };
});
