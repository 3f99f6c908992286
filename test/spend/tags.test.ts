// Tags: LiteLLM's /tag/* routes, the tags a request carries (body metadata.tags, x-litellm-tags, its
// key's and team's), spend per tag (/spend/tags, the ledger's request_tags), and a tag's budget holding
// exactly under concurrency across two instances, as one more account of the request.
import { beforeAll, describe, expect, it } from 'vitest';
import { itemKeys } from '../../shared/store/table.ts';
import { ask, costOf, eventually, FULL_COST, outcome, reservedInput, twoInstances, type SpendGateway } from './support.ts';

const MAX_TOKENS = 100;

const instances = twoInstances();
let a: SpendGateway;
let b: SpendGateway;
beforeAll(() => {
  ({ a, b } = instances);
});

const keyFor = async (fields: Record<string, unknown> = {}) => (await a.admin('POST', '/key/generate', fields)).body as { key: string; token: string };
/** A chat request with tags in its body: a larger body than ask(), so a larger worst case. */
const tagged = (tags: string[]) => ask(MAX_TOKENS, { metadata: { tags } }) as any;

describe('tag routes', () => {
  it('create, read, update, list and delete a tag in LiteLLM’s shapes', async () => {
    const made = await a.admin('POST', '/tag/new', { name: 'marketing', description: 'ads', max_budget: 5, budget_duration: '30d' });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({
      message: 'Tag marketing created successfully',
      tag: { name: 'marketing', description: 'ads', models: null, created_by: 'master', litellm_budget_table: { max_budget: 5, budget_duration: '30d', rpm_limit: null } },
    });
    expect((await a.admin('POST', '/tag/new', { name: 'marketing' })).status).toBe(400);
    expect((await a.admin('POST', '/tag/new', { description: 'no name' })).body.error.param).toBe('name');
    expect((await a.admin('POST', '/tag/update', { name: 'marketing', max_budget: 6 })).body.tag.litellm_budget_table.max_budget).toBe(6);
    expect((await a.admin('POST', '/tag/info', { names: ['marketing'] })).body).toMatchObject({ marketing: { name: 'marketing', max_budget: 6 } });
    expect((await a.admin('GET', '/tag/list')).body.map((t: { name: string }) => t.name)).toContain('marketing');
    expect((await a.admin('POST', '/tag/delete', { name: 'marketing' })).body).toEqual({ message: 'Tag marketing deleted successfully' });
    expect((await a.admin('POST', '/tag/info', { names: ['marketing'] })).status).toBe(404);
  });
});

describe('tags on requests', () => {
  it("hold a tag's budget exactly under concurrency on two instances, from the body and from the header", async () => {
    const worst = costOf({ prompt_tokens: reservedInput(tagged(['capped-tag'])), completion_tokens: MAX_TOKENS });
    await a.admin('POST', '/tag/new', { name: 'capped-tag', max_budget: Math.round(worst * 5 * 1e9) / 1e9 });
    const keys = [await keyFor(), await keyFor()];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        const client = (i % 2 ? a : b).client(keys[Math.floor(i / 2) % 2]!.key);
        // Half say it in the body; half in the header, with a body as large, so that each reserves the same.
        return outcome(i % 4 < 2 ? client.chat.completions.create(tagged(['capped-tag'])) : client.chat.completions.create(tagged(['other-tag']), { headers: { 'x-litellm-tags': 'capped-tag' } }));
      }),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.find((r) => r.status !== 200)!.error.message).toContain('tag capped-tag over budget');
    const item = await eventually(async () => {
      const item = (await a.store.get<Record<string, number>>(itemKeys.tag('capped-tag')))!;
      expect(item['parallel_requests']).toBe(0);
      return item;
    });
    expect(item['spend']).toBeCloseTo(FULL_COST * 5, 9);
  }, 60_000);

  it("charge a key's and a team's tags, record request_tags in the ledger, and add up in /spend/tags", async () => {
    await a.admin('POST', '/tag/new', { name: 'team-tag' });
    await a.admin('POST', '/team/new', { team_id: 'tagged-team', tags: ['team-tag'] });
    const made = await a.admin('POST', '/key/generate', { team_id: 'tagged-team', tags: ['key-tag'] });
    expect(made.body.warnings).toBeUndefined();
    expect((await outcome(a.client(made.body.key).chat.completions.create(ask(MAX_TOKENS), { headers: { 'x-litellm-tags': 'header-tag' } }))).status).toBe(200);
    await eventually(async () => expect((await a.store.get<Record<string, number>>(itemKeys.tag('team-tag')))!['spend']).toBeCloseTo(FULL_COST, 9));
    const logs = (await a.admin('GET', `/spend/logs?api_key=${made.body.token}&summarize=false`)).body;
    expect(logs[0].request_tags).toEqual(['header-tag', 'key-tag', 'team-tag']);
    const byTag = (await a.admin('GET', '/spend/tags')).body as Array<{ individual_request_tag: string; log_count: number; total_spend: number }>;
    expect(byTag.find((row) => row.individual_request_tag === 'key-tag')).toEqual({ individual_request_tag: 'key-tag', log_count: 1, total_spend: FULL_COST });
  });

  it('refuses tags that are not a list of strings, or too many', async () => {
    const { key } = await keyFor();
    const notList = await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS, { metadata: { tags: 'one' } }) as any));
    expect(notList.status).toBe(400);
    expect(notList.error.param).toBe('metadata.tags');
    const many = await outcome(a.client(key).chat.completions.create(tagged(Array.from({ length: 21 }, (_, i) => `t${i}`))));
    expect(many.status).toBe(400);
    expect(many.error.message).toContain('at most 20 tags');
  });
});
