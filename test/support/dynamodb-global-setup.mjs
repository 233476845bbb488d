// Jest loads global setup as JavaScript; tsx lets it import the TypeScript lifecycle module.
import { register } from 'tsx/esm/api';

export default async function globalSetup() {
  register();
  const { setup } = await import('./dynamodb-local-lifecycle.ts');
  await setup();
}
