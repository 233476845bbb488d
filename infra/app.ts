import { buildApp } from './cdk/app';

/** The CDK app entry for the cdk CLI (cdk.json): `npx cdk deploy -c stage=prod`. */
buildApp().app.synth();
