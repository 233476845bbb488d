import { defineService, keyedTable } from '../../shared/service/declarations';


/** Identity: stores, their API keys and webhook secrets; the Lambda authorizer. */
export const identityService = defineService({
  name: 'identity',
  description: 'Stores, API keys, webhook secrets and the Lambda authorizer',
  tables: {
    // gsi1: a store's API keys.
    identity: keyedTable({ envVar: 'IDENTITY_TABLE_NAME', indexes: ['gsi1'] }),
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
