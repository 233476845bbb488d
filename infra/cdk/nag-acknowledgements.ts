import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { topology, type FunctionName } from '../topology';
import type { StatefulStack } from './stateful-stack';
import type { StatelessStack } from './stateless-stack';

/**
 * Every cdk-nag finding we accept, each with its reason. Anything not listed here fails the synth.
 */
export function acknowledgeFindings(stateful: StatefulStack, stateless: StatelessStack): void {
  const acknowledge = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

  for (const queue of stateful.deadLetterQueues.values()) {
    const reason = 'This queue is itself a dead-letter queue (rule target DLQ, async on-failure and stream on-failure destination); it is alarmed, and a DLQ of a DLQ would add nothing.';
    acknowledge(queue, 'AwsSolutions::AwsSolutions-SQS3', reason);
    acknowledge(queue, 'Serverless::Serverless-SQSRedrivePolicy', reason);
  }

  if (stateful.userPool) {
    acknowledge(
      stateful.userPool,
      'AwsSolutions::AwsSolutions-COG2',
      'MFA is optional (TOTP offered) rather than required: customers sign in through the merchant\'s storefront experience and requiring MFA is the merchant\'s policy decision; marketers are expected to enrol TOTP (README, Identity).',
    );
    acknowledge(
      stateful.userPool,
      'AwsSolutions::AwsSolutions-COG8',
      'The Plus feature plan (threat protection) is billed per monthly active user; merchants opt in with one property (README, Identity). Essentials is the default so a deployment costs nothing at rest.',
    );
  }

  for (const [name, fn] of Object.entries(stateless.functions) as [FunctionName, StatelessStack['functions'][FunctionName]][]) {
    acknowledge(
      fn,
      'AwsSolutions::AwsSolutions-L1',
      'The platform standard is nodejs22.x (issue #2), inside AWS\'s support window; LoyaltyFunction sets it in one place for a deliberate upgrade.',
    );
    acknowledge(fn, 'Serverless::Serverless-LambdaLatestVersion', 'Same as AwsSolutions-L1: nodejs22.x is the deliberate platform standard, changed in one place.');
    acknowledge(
      fn.role ?? fn,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords (and DynamoDB ListStreams for the stream mapping) support no resource-level permissions; every data permission is scoped to named tables and indexes.',
    );
    const asynchronous = topology.subscriptions.some((subscription) => subscription.function === name) || topology.streams.some((stream) => stream.function === name);
    acknowledge(
      fn,
      'Serverless::Serverless-LambdaDLQ',
      asynchronous
        ? 'Failures go to an SQS dead-letter queue through the async on-failure destination (EventInvokeConfig) or the stream mapping\'s on-failure destination, which supersede the legacy DeadLetterConfig.'
        : 'Invoked synchronously by API Gateway only; a dead-letter queue applies to asynchronous invocations, and the caller receives the error.',
    );
  }

  for (const route of stateless.api.node.findAll().filter((construct) => /\/(DefaultRoute|GET--v1--health)$/.test(construct.node.path))) {
    acknowledge(
      route,
      'AwsSolutions::AwsSolutions-APIG4',
      route.node.path.endsWith('DefaultRoute')
        ? 'The $default route only answers problem+json 404/405 for unknown routes; it reads and changes nothing.'
        : 'GET /v1/health is public by declaration (topology access: public): a liveness check that touches no data.',
    );
  }
}
