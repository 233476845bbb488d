import { buildApp } from './cdk/app';

/** `npm run synth`: offline synthesis into cdk.out (no AWS credentials needed). Context: -c key=value via CDK_CONTEXT_JSON. */
const context = process.env.CDK_CONTEXT_JSON ? (JSON.parse(process.env.CDK_CONTEXT_JSON) as Record<string, unknown>) : {};
const { app, config } = buildApp({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out', context });
app.synth();
process.stdout.write(`Synthesized stage "${config.stage}" into ${app.outdir}\n`);
