import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { CustomersRepository } from './customers.repository';

export const SERVICE = 'customers';
let repository: CustomersRepository | undefined;

export function customersRepository(): CustomersRepository {
  if (!repository) {
    const config = loadConfig({ CUSTOMERS_TABLE_NAME: nonEmpty });
    repository = new CustomersRepository(dynamoDocumentClient(), config.CUSTOMERS_TABLE_NAME);
  }
  return repository;
}
