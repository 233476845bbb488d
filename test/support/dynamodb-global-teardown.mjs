import { register } from 'tsx/esm/api';

register();
const { teardown } = await import('./dynamodb-local-lifecycle.ts');
export default teardown;
