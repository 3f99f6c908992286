// LiteLLM's GET /v2/model/info over HTTP: /model/info's rows a page at a time with LiteLLM's
// {data, total_count, current_page, total_pages, size}, its filters (model, search, modelId, teamId)
// and sorting (sortBy model_name or costs, sortOrder); both admins see every deployment, any other key
// those of the models it may call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

const CONFIG = `
model_list:
  - model_name: zeta-small
    litellm_params: { model: mock/echo, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
    model_info: { team_id: team-x }
  - model_name: alpha-large
    litellm_params: { model: mock/echo, input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
  - model_name: Beta-Large
    litellm_params: { model: mock/echo, input_cost_per_token: 0.000005, output_cost_per_token: 0.00001 }
general_settings: { master_key: ${MASTER} }
`;

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;
let storedId: string;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint, { config: CONFIG, cacheSeconds: 0 });
  const stored = await gw.call('POST', '/model/new', { model_name: 'team-model', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'sk-stored-secret' } });
  expect(stored.status, JSON.stringify(stored.body)).toBe(200);
  storedId = stored.body.model_id;
});
afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

const names = (body: { data: Array<{ model_name: string }> }) => body.data.map((row) => row.model_name);

describe('GET /v2/model/info', () => {
  it('pages every deployment in /model/info’s rows with LiteLLM’s counts', async () => {
    const all = await gw.call('GET', '/v2/model/info');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total_count: 4, current_page: 1, total_pages: 1, size: 50 });
    const v1 = await gw.call('GET', '/model/info');
    expect(all.body.data.map((row: { model_info: { id: string } }) => row.model_info.id)).toEqual(v1.body.data.map((row: { model_info: { id: string } }) => row.model_info.id));
    // A stored model's key stays out, as in /model/info.
    expect(JSON.stringify(all.body)).not.toContain('sk-stored-secret');

    const second = await gw.call('GET', '/v2/model/info?page=2&size=3');
    expect(second.body).toMatchObject({ total_count: 4, current_page: 2, total_pages: 2, size: 3 });
    expect(second.body.data).toHaveLength(1);
    expect((await gw.call('GET', '/v2/model/info?size=0')).status).toBe(400);
  });

  it('filters by model name, by part of a name in any case, by deployment id and by team', async () => {
    expect(names((await gw.call('GET', '/v2/model/info?model=alpha-large')).body)).toEqual(['alpha-large']);
    expect(names((await gw.call('GET', '/v2/model/info?search=LARGE')).body).sort()).toEqual(['Beta-Large', 'alpha-large']);
    const byId = await gw.call('GET', `/v2/model/info?modelId=${storedId}`);
    expect(byId.body).toMatchObject({ total_count: 1, data: [{ model_name: 'team-model', model_info: { id: storedId, db_model: true } }] });
    expect(names((await gw.call('GET', '/v2/model/info?teamId=team-x')).body)).toEqual(['zeta-small']);
    expect((await gw.call('GET', '/v2/model/info?search=nothing-like-it')).body).toMatchObject({ data: [], total_count: 0, total_pages: 0 });
  });

  it('sorts by model_name or costs, ascending or descending', async () => {
    const search = 'search=a';
    expect(names((await gw.call('GET', `/v2/model/info?${search}&sortBy=model_name`)).body)).toEqual(['Beta-Large', 'alpha-large', 'team-model', 'zeta-small']);
    const dearestFirst = await gw.call('GET', '/v2/model/info?sortBy=costs&sortOrder=desc');
    expect(names(dearestFirst.body)).toEqual(['alpha-large', 'Beta-Large', 'zeta-small', 'team-model']);
    const sortBy = await gw.call('GET', '/v2/model/info?sortBy=weight');
    expect(sortBy.status).toBe(400);
    expect(sortBy.body.error).toMatchObject({ param: 'sortBy', message: expect.stringContaining('model_name or costs') });
    expect((await gw.call('GET', '/v2/model/info?sortOrder=up')).body.error.param).toBe('sortOrder');
  });

  it('answers any key (LiteLLM’s info route): both admins every deployment, anyone else the models it may call', async () => {
    const viewer = (await gw.call('POST', '/user/new', { user_id: 'v2-viewer', user_role: 'proxy_admin_viewer', models: ['zeta-small'] })).body.key;
    const internal = (await gw.call('POST', '/user/new', { user_id: 'v2-internal', user_role: 'internal_user' })).body.key;
    expect((await gw.call('GET', '/v2/model/info', undefined, viewer)).body.total_count).toBe(4);
    const everyModel = await gw.call('GET', '/v2/model/info', undefined, internal);
    expect(everyModel.status).toBe(200);
    expect(everyModel.body.total_count).toBe(4);

    const narrow = (await gw.call('POST', '/key/generate', { models: ['alpha-large', 'team-model'] })).body.key;
    const mine = await gw.call('GET', '/v2/model/info?sortBy=model_name', undefined, narrow);
    expect(mine.body).toMatchObject({ total_count: 2, total_pages: 1 });
    expect(names(mine.body)).toEqual(['alpha-large', 'team-model']);
    expect((await gw.call('GET', '/v2/model/info?model=zeta-small', undefined, narrow)).body.total_count).toBe(0);
  });
});
