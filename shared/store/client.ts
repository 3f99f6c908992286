// The DynamoDB client every store call goes through. In AWS the SDK finds region and credentials itself;
// with DYNAMODB_ENDPOINT (DynamoDB Local, dynalite) it talks to that endpoint instead.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface StoreConnection {
  /** Unset: AWS DynamoDB in the current region. */
  endpoint?: string;
  region?: string;
}

export function createDocumentClient(connection: StoreConnection = {}): DynamoDBDocumentClient {
  const local = connection.endpoint !== undefined;
  const client = new DynamoDBClient({
    endpoint: connection.endpoint,
    region: connection.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
    // A local engine checks no signature; fixed fake credentials keep the SDK from probing for real ones.
    ...(local && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
