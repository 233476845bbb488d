import { encodeRouteKeys, ROUTE_KEYS_VARIABLE } from '../functions/platform/platform.routes';
import { routeKey } from '../shared/http/route';
import { PRIVACY_EXPORTERS_VARIABLE } from '../shared/privacy/exporter';
import { eventBusName, functionOf, physicalTableName, tableOf, topology, type FunctionName } from './topology';

/**
 * The environment a function gets from its declaration besides its tables: the bus for publishers, the token
 * settings for verifiers, the declared routes for the fallback. Table variables come with the binding
 * (LoyaltyFunction.bindTable on AWS, which grants access in the same call; tableEnvironment locally), and the names of
 * invoked functions with the invoke grant (invokedFunctionNames) — so the names match in both places.
 */
export interface TokenVerification {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
}

/** Lambda's limit on a function's environment (all keys and values together). */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

export function functionEnvironment(name: FunctionName, context: { stage: string; busName?: string; tokens: TokenVerification }): Record<string, string> {
  const declaration = functionOf(name);
  const env: Record<string, string> = { STAGE: context.stage, POWERTOOLS_SERVICE_NAME: name };
  if (declaration.publishesEvents) env.EVENT_BUS_NAME = context.busName ?? eventBusName(context.stage);
  if (declaration.verifiesTokens) {
    env.JWT_ISSUER = context.tokens.issuer;
    env.JWT_AUDIENCE = context.tokens.audience;
    env.JWKS_URL = context.tokens.jwksUrl;
  }
  if (name === topology.fallbackFunction) {
    const value = encodeRouteKeys(topology.routes.map(routeKey));
    // Route keys travel in the environment; Lambda caps it at 4 KiB, so a growing API fails here, at synth, loudly.
    if (value.length > LAMBDA_ENVIRONMENT_LIMIT_BYTES / 2) throw new Error(`${ROUTE_KEYS_VARIABLE} is ${value.length} bytes: too close to Lambda's 4 KiB environment limit`);
    env[ROUTE_KEYS_VARIABLE] = value;
  }
  return env;
}

/** The table variables of a function in the local runtime (on AWS, LoyaltyFunction.bindTable sets them). */
export function tableEnvironment(name: FunctionName, stage: string): Record<string, string> {
  return Object.fromEntries(Object.keys(functionOf(name).tables).map((table) => [tableOf(table).envVar, physicalTableName(stage, table)]));
}

/**
 * The variable telling a function the physical names of the functions it invokes (only the privacy export does, with
 * every service's exporter: `{"purchases":"<function name>",…}`). `physicalName` resolves a topology name (a CDK token
 * on AWS, the topology name itself locally).
 */
export function invokedFunctionNames(name: FunctionName, physicalName: (target: FunctionName) => string): { variable: string; value: string } | undefined {
  if (name !== topology.privacyExportFunction) return undefined;
  return { variable: PRIVACY_EXPORTERS_VARIABLE, value: JSON.stringify(Object.fromEntries(topology.privacy.map((duty) => [duty.service, physicalName(duty.export)]))) };
}
