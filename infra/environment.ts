import { topology, physicalTableName, eventBusName, type FunctionName, type TableName } from './topology';

/**
 * The environment a function gets from its topology declaration besides its tables: the bus for publishers, the
 * token settings for verifiers. Table variables come with the binding (LoyaltyFunction.bindTable on AWS, which
 * grants access in the same call; tableEnvironment locally), so the names match in both places.
 */
export interface TokenVerification {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
}

export function functionEnvironment(
  name: FunctionName,
  context: { stage: string; busName?: string; tokens: TokenVerification },
): Record<string, string> {
  const declaration = topology.functions[name] as (typeof topology.functions)[FunctionName] & {
    tables?: Partial<Record<TableName, string>>;
    publishesEvents?: boolean;
    verifiesTokens?: boolean;
  };
  const env: Record<string, string> = { STAGE: context.stage, POWERTOOLS_SERVICE_NAME: name };
  if (declaration.publishesEvents) env.EVENT_BUS_NAME = context.busName ?? eventBusName(context.stage);
  if (declaration.verifiesTokens) {
    env.JWT_ISSUER = context.tokens.issuer;
    env.JWT_AUDIENCE = context.tokens.audience;
    env.JWKS_URL = context.tokens.jwksUrl;
  }
  return env;
}

/** The table variables of a function in the local runtime (on AWS, LoyaltyFunction.bindTable sets them). */
export function tableEnvironment(name: FunctionName, stage: string): Record<string, string> {
  const tables = (topology.functions[name] as { tables?: Partial<Record<TableName, string>> }).tables ?? {};
  return Object.fromEntries((Object.keys(tables) as TableName[]).map((table) => [topology.tables[table].envVar, physicalTableName(stage, table)]));
}
