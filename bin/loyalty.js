#!/usr/bin/env node
// The operator CLI. Runs the TypeScript sources through tsx, so `npx loyalty` works in a fresh clone.
import { register } from 'tsx/esm/api';

// The SDK's Node-version advisory would precede every command's output; the README covers Node versions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../infra/cli/main.ts');
