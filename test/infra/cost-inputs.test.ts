// The DynamoDB work the cost model (infra/cost/measured.ts) charges per request, counted here: the
// gateway in process over dynalite, every command its store sends asked for its consumed capacity
// (dynalite computes it as DynamoDB does: 1 KB per write unit, 4 KB per read unit, half for eventually
// consistent reads), plus the write of the `by_entity` index (projection ALL) for every item written
// that carries the index's keys. A change to what a request writes changes these counts, and this test
// says which figure of docs/COST.md to update.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DYNAMODB_PER_REQUEST } from '../../infra/cost/measured.ts';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, eventually, MASTER, spendConfig, startDynamo, startSpendGateway, type SpendGateway } from '../spend/support.ts';

interface Counted {
  commands: string[];
  readUnits: number;
  writeUnits: number;
  /** Primary keys of the items written, to look for the index's keys afterwards. */
  written: Array<{ key: Record<string, unknown>; units: number }>;
}

type Command = { constructor: { name: string }; input: Record<string, any> };

/** Counts every command the gateway's store sends from now on, with its consumed capacity. */
function countCapacity(gateway: SpendGateway): Counted {
  const counted: Counted = { commands: [], readUnits: 0, writeUnits: 0, written: [] };
  const client = gateway.store.client;
  const send = client.send.bind(client) as (command: Command) => Promise<{ ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }>;
  (client as { send: unknown }).send = async (command: Command) => {
    command.input.ReturnConsumedCapacity = 'TOTAL';
    const output = await send(command);
    const units = [output.ConsumedCapacity ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    const name = command.constructor.name;
    counted.commands.push(name);
    if (/^(Get|BatchGet|Query)/.test(name)) counted.readUnits += units;
    else {
      counted.writeUnits += units;
      if (name === 'PutCommand') counted.written.push({ key: { pk: command.input['Item'].pk, sk: command.input['Item'].sk }, units });
      if (name === 'UpdateCommand') counted.written.push({ key: command.input['Key'], units });
    }
    return output;
  };
  return counted;
}

/** Write units of the index: an item written that holds the index's keys is written to the index too. */
async function indexWriteUnits(gateway: SpendGateway, counted: Counted): Promise<number> {
  let units = 0;
  for (const { key, units: tableUnits } of counted.written) {
    const { Item } = await gateway.store.client.send(new GetCommand({ TableName: gateway.store.table, Key: key }));
    if (Item?.['entity'] !== undefined && Item['created_at'] !== undefined) units += tableUnits;
  }
  return units;
}

let upstream: RecordingServer;
let dynamo: EmbeddedDynamo;
let gateway: SpendGateway;

beforeAll(async () => {
  upstream = await startRecordingServer();
  answerWith(upstream, { prompt_tokens: 10, completion_tokens: 10 });
  dynamo = await startDynamo();
  // Key records cached as a deployed instance caches them (5 s): a warm instance reads none per request.
  gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), {}, 5);
});
afterAll(async () => {
  await gateway.close();
  await dynamo.close();
  await upstream.close();
});

/** The units one warm streamed chat request costs with this key. */
async function measure(key: string) {
  const chat = () =>
    gateway
      .client(key)
      .chat.completions.create({ ...ask(50), stream: true })
      .then(async (stream) => {
        for await (const _ of stream);
      });
  await chat(); // warms the key cache
  await new Promise((resolve) => setTimeout(resolve, 100));
  const counted = countCapacity(gateway);
  await chat();
  // The spend record and settlement are written after the client has its last byte.
  await eventually(async () => expect(counted.commands).toContain('PutCommand'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { commands: [...counted.commands].sort(), readUnits: counted.readUnits, writeUnits: counted.writeUnits, indexWriteUnits: await indexWriteUnits(gateway, counted) };
}

describe('DynamoDB capacity per request (the cost model’s inputs)', () => {
  it('counts what a master-key request and a virtual key with a budget and limits each consume, as infra/cost/measured.ts says', async () => {
    const virtual = (await gateway.admin('POST', '/key/generate', { max_budget: 100, rpm_limit: 1000, tpm_limit: 1_000_000 })).body.key as string;
    const counted = { master: await measure(MASTER), virtual: await measure(virtual) };
    for (const kind of DYNAMODB_PER_REQUEST) {
      const measured = counted[kind.key];
      expect(measured.commands, kind.key).toEqual([...kind.commands].sort());
      expect({ read: measured.readUnits, write: measured.writeUnits + measured.indexWriteUnits }, kind.key).toEqual({ read: kind.readUnits, write: kind.writeUnits });
    }
  });
});
