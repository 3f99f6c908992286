// Budget alerts: each threshold (soft budget, 50%, 80%, 100%) is announced exactly once per budget
// period, even when many requests cross it at once, to SNS (a fake SNS on 127.0.0.1 speaking its
// query protocol) and to the configured Slack-compatible webhook.
import { randomUUID } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, costOf, ESTIMATED_INPUT, eventually, outcome, spendConfig, startDynamo, startSpendGateway, testClock, type SpendGateway } from './support.ts';

const MAX_TOKENS = 100;
const USAGE = { prompt_tokens: ESTIMATED_INPUT, completion_tokens: MAX_TOKENS };
const COST = costOf(USAGE);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:tollgate-alerts';

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let sns: RecordingServer;
let webhook: RecordingServer;
let a: SpendGateway;
let b: SpendGateway;
const clock = testClock(Date.parse('2026-11-25T12:00:00.000Z'));

/** SNS Publish as the AWS query protocol has it: a form-encoded request, an XML answer. */
function fakeSns(server: RecordingServer): void {
  server.respond((_request, res) => {
    res
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
  });
}

const published = () => sns.requests.map((request) => Object.fromEntries(new URLSearchParams(request.body)));

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  answerWith(upstream, USAGE, 20);
  sns = await startRecordingServer();
  fakeSns(sns);
  webhook = await startRecordingServer((_request, res) => sendJson(res, 200, { ok: true }));
  const snsClient = new SNSClient({ endpoint: sns.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const config = spendConfig(upstream.url, `  alert_webhook_url: ${webhook.url}/slack`);
  a = await startSpendGateway(dynamo.endpoint, config, { now: clock.now, alerts: { sns: { client: snsClient, topicArn: TOPIC } } });
  b = await startSpendGateway(dynamo.endpoint, config, { now: clock.now, alerts: { sns: { client: snsClient, topicArn: TOPIC } } });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await upstream.close();
  await sns.close();
  await webhook.close();
  await dynamo.close();
});

describe('budget alerts', () => {
  it('sends each threshold once when 30 requests cross them all at once, on two instances', async () => {
    const budget = Math.round(COST * 10 * 1e9) / 1e9;
    const { key, token } = (await a.admin('POST', '/key/generate', { key_alias: 'alerted', max_budget: budget, soft_budget: COST * 3, budget_duration: '1d' })).body;
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => outcome((i % 2 ? a : b).client(key).chat.completions.create(ask(MAX_TOKENS)))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);

    const messages = await eventually(async () => {
      const messages = published();
      expect(messages).toHaveLength(4);
      return messages;
    });
    expect(messages.every((m) => m['Action'] === 'Publish' && m['TopicArn'] === TOPIC)).toBe(true);
    const alerts = messages.map((m) => JSON.parse(m['Message']!));
    expect(alerts.map((alert) => alert.threshold).sort()).toEqual(['100%', '50%', '80%', 'soft_budget']);
    const full = alerts.find((alert) => alert.threshold === '100%');
    expect(full).toMatchObject({ event: 'budget_crossed', event_group: 'key', token, key_alias: 'alerted', max_budget: budget, budget_duration: '1d', budget_reset_at: '2026-11-26T00:00:00.000Z' });
    expect(alerts.find((alert) => alert.threshold === '50%').spend).toBeGreaterThanOrEqual(budget / 2);
    expect(JSON.stringify(alerts)).not.toContain(key);

    // The same four reach the webhook, with Slack's `text`.
    await eventually(async () => expect(webhook.requests).toHaveLength(4));
    expect(webhook.requests.every((request) => request.url === '/slack' && typeof request.json.text === 'string')).toBe(true);
    expect(webhook.requests.map((request) => request.json.threshold).sort()).toEqual(['100%', '50%', '80%', 'soft_budget']);

    // Refusals after the budget is spent announce nothing more in this period...
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(published()).toHaveLength(4);

    // ...and the next period announces afresh.
    clock.set(Date.parse('2026-11-26T00:00:01.000Z'));
    for (let i = 0; i < 5; i++) expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
    await eventually(async () =>
      expect(
        published()
          .slice(4)
          .map((m) => JSON.parse(m['Message']!).threshold)
          .sort(),
      ).toEqual(['50%', 'soft_budget']),
    );
  });

  it('never fails or delays a request when the alert cannot be delivered', async () => {
    sns.respond((_request, res) => void res.writeHead(500).end());
    webhook.respond((_request, res) => void res.writeHead(500).end());
    const { key } = (await a.admin('POST', '/key/generate', { soft_budget: COST / 2 })).body;
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
    await eventually(async () => expect(a.log.text()).toContain('budget alert could not be delivered'));
    fakeSns(sns);
  });
});

describe('alerts of organizations, tags, budget windows and members', () => {
  it('announces each of their thresholds once, naming the account, through the same channels', async () => {
    await a.admin('POST', '/organization/new', { organization_id: 'alerted-org', organization_alias: 'Alerted', max_budget: COST * 4, soft_budget: COST * 1.5 });
    await a.admin('POST', '/team/new', { team_id: 'alerted-team', organization_id: 'alerted-org' });
    await a.admin('POST', '/organization/member_add', { organization_id: 'alerted-org', member: { role: 'internal_user', user_id: 'alerted-member' }, max_budget_in_organization: COST * 3 });
    await a.admin('POST', '/tag/new', { name: 'alerted-tag', max_budget: COST * 4 });
    const { key } = (
      await a.admin('POST', '/key/generate', { key_alias: 'alerted-window', team_id: 'alerted-team', user_id: 'alerted-member', budget_limits: [{ budget_duration: '1d', max_budget: COST * 2 }] })
    ).body;
    const before = published().length;
    const send = () => outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS), { headers: { 'x-litellm-tags': 'alerted-tag' } }));
    // The day's window fits two requests; the third is refused by it.
    expect([(await send()).status, (await send()).status, (await send()).status]).toEqual([200, 200, 400]);

    // Window: 50%, 80%, 100%; organization: soft budget, 50%; the member within it: 50%; the tag: 50%.
    const alerts = await eventually(async () => {
      const alerts = published()
        .slice(before)
        .map((m) => JSON.parse(m['Message']!));
      expect(alerts).toHaveLength(7);
      return alerts;
    });
    const by = (part: string) =>
      alerts
        .filter((alert) => alert.event_message.includes(part))
        .map((alert) => alert.threshold)
        .sort();
    expect(by('key alerted-window, 1d budget window')).toEqual(['100%', '50%', '80%']);
    expect(by('organization alerted-org has')).toEqual(['50%', 'soft_budget']);
    expect(by('organization alerted-org, member alerted-member')).toEqual(['50%']);
    expect(by('tag alerted-tag')).toEqual(['50%']);
    const organization = alerts.find((alert) => alert.threshold === 'soft_budget');
    expect(organization).toMatchObject({
      event: 'soft_budget_crossed',
      event_group: 'organization',
      organization_id: 'alerted-org',
      team_id: 'alerted-team',
      user_id: 'alerted-member',
      soft_budget: COST * 1.5,
    });
    expect(alerts.find((alert) => alert.event_group === 'tag')).toMatchObject({ tag: 'alerted-tag', organization_id: 'alerted-org', max_budget: COST * 4 });
    expect(alerts.find((alert) => alert.threshold === '100%')).toMatchObject({ event: 'budget_crossed', event_group: 'key', budget_duration: '1d', max_budget: COST * 2 });
    await eventually(async () => expect(webhook.requests.filter((request) => String(request.json.event_message).includes('alerted-'))).toHaveLength(7));
  });
});
