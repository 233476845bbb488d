import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { resolve, dirname } from 'node:path';
import { APP_NAME, topology, type AppTopology } from '../topology';
import { acknowledgeFindings } from './nag-acknowledgements';
import { stageConfigFrom } from './stage-config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

/** Builds the CDK app for a stage from the topology; synth, deploy and the infra tests all use this. */
export function buildApp(options: { outdir?: string; context?: Record<string, unknown>; topology?: AppTopology; consoleDist?: string } = {}) {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    context: {
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      // Strong references: the stateful stack cannot drop an export (a table, a queue) the stateless stack uses.
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      ...options.context,
    },
  });
  const config = stageConfigFrom((key) => app.node.tryGetContext(key));
  const declaration = options.topology ?? topology;
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stateful = new StatefulStack(app, `${pascalStage(config.stage)}Stateful`, {
    stackName: `${APP_NAME}-${config.stage}-stateful`,
    description: 'Loyalty Loop data: tables, event bus, dead-letter queues, user pool',
    terminationProtection: config.isProduction,
    topology: declaration,
    config,
    env,
  });
  const stateless = new StatelessStack(app, `${pascalStage(config.stage)}Stateless`, {
    stackName: `${APP_NAME}-${config.stage}-stateless`,
    description: 'Loyalty Loop compute: functions, HTTP API, rules, stream relay, schedules',
    topology: declaration,
    config,
    stateful,
    repositoryRoot: resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
    ...(options.consoleDist ? { consoleDist: options.consoleDist } : {}),
    env,
  });
  stateless.addStackDependency(stateful);
  Tags.of(app).add('application', APP_NAME);
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  acknowledgeFindings(stateful, stateless, declaration);
  return { app, stateful, stateless, config };
}

function pascalStage(stage: string): string {
  return `LoyaltyLoop${stage.charAt(0).toUpperCase()}${stage.slice(1).replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())}`;
}
