import { defineService } from '../../shared/service/declarations';

const S = 'S' as const;

/** Identity: stores, their API keys and webhook secrets; the Lambda authorizer. */
export const identityService = defineService({
  name: 'identity',
  description: 'Stores, API keys, webhook secrets and the Lambda authorizer',
  tables: {
    identity: {
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      indexes: [{ name: 'gsi1', partitionKey: { name: 'gsi1pk', type: S }, sortKey: { name: 'gsi1sk', type: S } }],
      envVar: 'IDENTITY_TABLE_NAME',
    },
  },
  functions: {
    authorizer: {
      entry: 'functions/identity/authorizer.handler.ts',
      description: 'Lambda authorizer: storefront API keys, and customer or marketer tokens on shared routes',
      memoryMb: 512,
      timeoutSeconds: 5,
      tables: { identity: 'read' },
      verifiesTokens: true,
    },
  },
  roles: { authorizer: 'authorizer' },
  exposes: [{ module: 'functions/identity/identity.facade.ts', tables: { identity: 'read' } }],
});
