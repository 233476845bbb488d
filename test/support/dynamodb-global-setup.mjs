// Jest loads global setup as native ESM; tsx lets it import the TypeScript lifecycle module.
import { register } from 'tsx/esm/api';

register();
const { setup } = await import('./dynamodb-local-lifecycle.ts');
export default setup;
