// The AWS SDK's CPU per DynamoDB call, in this process, against dynalite in another (so only the
// client's work is counted): the gateway's document client (lib-dynamodb marshalling) beside the
// alternatives a Lambda team would consider, each writing the same ledger record (a conditional
// PutItem) one call at a time, the variants taking turns. `npx tsx bench/dynamodb-client.ts`
// (CALLS per variant and round, 400; ROUNDS, 3).
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createDocumentClient } from '../shared/store/client.ts';
import { ensureTable } from '../shared/store/ensure-table.ts';
import { freePort, startChild } from './processes.ts';

const CALLS = Number(process.env['CALLS'] || 400);
const ROUNDS = Number(process.env['ROUNDS'] || 3);
const TABLE = 'client-bench';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A ledger record as the gateway writes one (shared/spend/tracker.ts#spendLog), under a new id each call. */
function record(id: string): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    pk: `SPEND#${id}`,
    sk: 'SPEND',
    entity: `spend_log#${now.slice(0, 10)}`,
    created_at: now,
    request_id: id,
    call_type: 'acompletion',
    api_key: 'master',
    key_alias: null,
    spend: 0.00015,
    provider_cost: 0.00015,
    prompt_tokens: 9,
    completion_tokens: 12,
    total_tokens: 21,
    cached_tokens: 0,
    cache_creation_input_tokens: 0,
    startTime: now,
    endTime: now,
    completionStartTime: null,
    request_duration_ms: 2,
    time_to_first_token_ms: null,
    model: 'gpt-4o-mini',
    model_id: 'bench-fast-0',
    model_group: 'bench-fast',
    custom_llm_provider: 'openai',
    user: null,
    team_id: null,
    organization_id: null,
    request_tags: [],
    end_user: null,
    status: 'success',
    usage_estimated: false,
    cache_hit: false,
    cache_key: null,
    cache_savings: 0,
    metadata: { user_api_key_alias: null, user_api_key_team_id: null, user_api_key_user_id: null, cost_breakdown: { provider_cost: 0.00015, charged: 0.00015 } },
  };
}

/** Hand marshalling: the attribute-value map built directly, as code that skips lib-dynamodb would. */
function attribute(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(attribute) };
  const map: Record<string, AttributeValue> = {};
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) map[name] = attribute(item);
  return { M: map };
}
const attributes = (item: Record<string, unknown>) => (attribute(item) as { M: Record<string, AttributeValue> }).M;

async function main(): Promise<void> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const dynamo = await startChild({ name: 'dynalite', args: [join(ROOT, 'bench/dynamodb-server.ts')], env: { PORT: String(port) }, logFile: '/dev/null', readyUrl: endpoint });
  try {
    const document = createDocumentClient({ endpoint, region: 'us-east-1' });
    await ensureTable(document, TABLE);
    const local = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const raw = new DynamoDBClient(local);
    // The gateway's client, but a new connection per call.
    const noKeepAlive = DynamoDBDocumentClient.from(new DynamoDBClient({ ...local, requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: false }) }) }));
    let next = 0;
    const id = () => `${process.pid}-${next++}`;
    const condition = { ConditionExpression: 'attribute_not_exists(pk)' };
    const variants: Array<{ name: string; perCall: number; call: () => Promise<unknown> }> = [
      { name: 'document client, PutCommand (the gateway today)', perCall: 1, call: () => document.send(new PutCommand({ TableName: TABLE, Item: record(id()), ...condition })) },
      { name: 'plain client, PutItem, hand-marshalled map', perCall: 1, call: () => raw.send(new PutItemCommand({ TableName: TABLE, Item: attributes(record(id())), ...condition })) },
      {
        name: "plain client, PutItem, util-dynamodb's marshall()",
        perCall: 1,
        call: () => raw.send(new PutItemCommand({ TableName: TABLE, Item: marshall(record(id()), { removeUndefinedValues: true }), ...condition })),
      },
      { name: 'document client, keep-alive off', perCall: 1, call: () => noKeepAlive.send(new PutCommand({ TableName: TABLE, Item: record(id()), ...condition })) },
      {
        name: 'document client, BatchWriteItem of 25 (group commit), per record',
        perCall: 25,
        call: () => document.send(new BatchWriteCommand({ RequestItems: { [TABLE]: Array.from({ length: 25 }, () => ({ PutRequest: { Item: record(id()) } })) } })),
      },
    ];
    for (const variant of variants) for (let i = 0; i < 50; i++) await variant.call();
    const totals = new Map(variants.map((v) => [v, { cpu: 0, wall: 0, records: 0 }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of variants) {
        const calls = Math.ceil(CALLS / variant.perCall);
        const cpu = process.cpuUsage();
        const wall = performance.now();
        for (let i = 0; i < calls; i++) await variant.call();
        const used = process.cpuUsage(cpu);
        const total = totals.get(variant)!;
        total.cpu += used.user + used.system;
        total.wall += (performance.now() - wall) * 1000;
        total.records += calls * variant.perCall;
      }
    }
    const lines = [
      `Load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(', ')}; ${CALLS} records per variant and round, ${ROUNDS} rounds in turns.`,
      '',
      '| variant | client CPU µs per record | wall µs per record |',
      '|---|---|---|',
    ];
    for (const [variant, total] of totals) lines.push(`| ${variant.name} | ${Math.round(total.cpu / total.records)} | ${Math.round(total.wall / total.records)} |`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await dynamo.stop();
  }
}

await main();
