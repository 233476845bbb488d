import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { privacyExporter } from '../../shared/privacy/exporter';
import { SERVICE } from './loyalty.context';
import { exportLoyaltyData } from './domain/privacy';
import { LoyaltyPrivacy } from './loyalty.repository';

const config = loadConfig({ LOYALTY_TABLE_NAME: nonEmpty });
const privacy = new LoyaltyPrivacy(dynamoDocumentClient(), config.LOYALTY_TABLE_NAME);

/** The loyalty part of a customer's data export: account, ledger, lots and redemptions. */
export const handler = privacyExporter(SERVICE, (customerId) => exportLoyaltyData(privacy, customerId));
