// The identity table for `npm start`: the embedded dynalite with its data under TOLLGATE_DATA_DIR
// (default .tollgate/dynamodb, gitignored), or whatever DynamoDB DYNAMODB_ENDPOINT names; the table is
// created on first start. TOLLGATE_STORE=dynamodb (the Fargate mode) uses the deployed table
// TOLLGATE_TABLE as it is, in AWS_REGION, without creating anything.
import { storeFromEnv } from '../shared/store/open.ts';
import type { Store } from '../shared/store/store.ts';
import { tableNameFromEnv } from '../shared/store/table.ts';
import { startEmbeddedDynamo } from './embedded-dynamodb.ts';

export const DEFAULT_DATA_DIR = '.tollgate/dynamodb';

export interface LocalStore {
  store: Store;
  /** Where the data lives, for the start-up log. */
  location: string;
  close(): Promise<void>;
}

export async function openLocalStore(env: (name: string) => string | undefined): Promise<LocalStore> {
  const endpoint = env('DYNAMODB_ENDPOINT');
  if (env('TOLLGATE_STORE') === 'dynamodb') {
    return { store: storeFromEnv({ env }), location: `DynamoDB table ${tableNameFromEnv(env)}`, close: async () => {} };
  }
  if (endpoint) {
    const store = storeFromEnv({ env });
    await store.createTableIfMissing();
    return { store, location: endpoint, close: async () => {} };
  }
  const path = env('TOLLGATE_DATA_DIR') || DEFAULT_DATA_DIR;
  const embedded = await startEmbeddedDynamo({ path });
  const store = storeFromEnv({ env, endpoint: embedded.endpoint });
  await store.createTableIfMissing();
  return { store, location: path, close: embedded.close };
}
