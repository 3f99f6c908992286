// The one identity table (docs/DATA-MODEL.md): its name, its definition, and how items are addressed.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const DEFAULT_TABLE_NAME = 'tollgate';
export const ENTITY_INDEX = 'by_entity';

export function tableNameFromEnv(env: (name: string) => string | undefined = (name) => process.env[name]): string {
  return env('TOLLGATE_TABLE') || DEFAULT_TABLE_NAME;
}

/** What a table needs; the CDK stack declares the same (docs/DATA-MODEL.md). */
export function tableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'entity', AttributeType: 'S' },
      { AttributeName: 'created_at', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: ENTITY_INDEX,
        KeySchema: [
          { AttributeName: 'entity', KeyType: 'HASH' },
          { AttributeName: 'created_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

export type Entity = 'key' | 'team' | 'user' | 'customer' | 'audit' | 'organization' | 'budget' | 'tag' | 'model';

/** The primary key of an item: one item per thing, `sk` names its kind. */
export interface ItemKey {
  pk: string;
  sk: string;
}

export const itemKeys = {
  key: (token: string): ItemKey => ({ pk: `KEY#${token}`, sk: 'KEY' }),
  alias: (alias: string): ItemKey => ({ pk: `ALIAS#${alias}`, sk: 'ALIAS' }),
  team: (id: string): ItemKey => ({ pk: `TEAM#${id}`, sk: 'TEAM' }),
  user: (id: string): ItemKey => ({ pk: `USER#${id}`, sk: 'USER' }),
  customer: (id: string): ItemKey => ({ pk: `CUSTOMER#${id}`, sk: 'CUSTOMER' }),
  audit: (id: string): ItemKey => ({ pk: `AUDIT#${id}`, sk: 'AUDIT' }),
  organization: (id: string): ItemKey => ({ pk: `ORG#${id}`, sk: 'ORG' }),
  budget: (id: string): ItemKey => ({ pk: `BUDGET#${id}`, sk: 'BUDGET' }),
  tag: (name: string): ItemKey => ({ pk: `TAG#${name}`, sk: 'TAG' }),
  spendLog: (requestId: string): ItemKey => ({ pk: `SPEND#${requestId}`, sk: 'SPEND' }),
  deployment: (id: string): ItemKey => ({ pk: `DEPLOYMENT#${id}`, sk: 'STATE' }),
  model: (id: string): ItemKey => ({ pk: `MODEL#${id}`, sk: 'MODEL' }),
};
