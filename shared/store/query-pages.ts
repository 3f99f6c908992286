// A Query's answer page by page: DynamoDB answers at most 1 MB a call, and says where to go on
// (LastEvaluatedKey). Every repository that reads a whole partition or index range reads it through
// this, stopping early by breaking out of the loop.
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';

export async function* queryPages(client: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<QueryCommandOutput> {
  let start = input.ExclusiveStartKey;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield page;
    start = page.LastEvaluatedKey;
  } while (start);
}
