import { topology, physicalTableName, eventBusName, type FunctionName, type TableName } from './topology';

/**
 * The environment a function gets, from its topology declaration: the table names it is bound to, the bus
 * for publishers, the token settings for verifiers. The CDK app and the local runtime both use this, so a
 * function sees the same variables in both places (only the values differ).
 */
export interface TokenVerification {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
}

export function functionEnvironment(
  name: FunctionName,
  context: { stage: string; tableNames?: Partial<Record<TableName, string>>; busName?: string; tokens: TokenVerification },
): Record<string, string> {
  const declaration = topology.functions[name] as (typeof topology.functions)[FunctionName] & {
    tables?: Partial<Record<TableName, string>>;
    publishesEvents?: boolean;
    verifiesTokens?: boolean;
  };
  const env: Record<string, string> = { STAGE: context.stage, POWERTOOLS_SERVICE_NAME: name };
  for (const table of Object.keys(declaration.tables ?? {}) as TableName[]) {
    env[topology.tables[table].envVar] = context.tableNames?.[table] ?? physicalTableName(context.stage, table);
  }
  if (declaration.publishesEvents) env.EVENT_BUS_NAME = context.busName ?? eventBusName(context.stage);
  if (declaration.verifiesTokens) {
    env.JWT_ISSUER = context.tokens.issuer;
    env.JWT_AUDIENCE = context.tokens.audience;
    env.JWKS_URL = context.tokens.jwksUrl;
  }
  return env;
}
