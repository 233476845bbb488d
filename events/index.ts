import { PurchaseRecorded } from './purchase-recorded';
import { PurchaseRefunded } from './purchase-refunded';

export { PurchaseRecorded, PurchaseRefunded };
export type { EventContract, EventDetail, EventEnvelope, EventPattern } from './contract';

/** Every contract, for catalogue checks (unique detail-types, valid examples). */
export const allEvents = [PurchaseRecorded, PurchaseRefunded] as const;
