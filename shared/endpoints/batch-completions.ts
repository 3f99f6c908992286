// LiteLLM's batch completions: `model: "a,b"` on /v1/chat/completions sends the one request to each
// model group named and answers with the list of their answers, in the order named. Each model's call
// is a request of its own to the same route, through the gateway (the Loopback, as MCP tool rounds
// are), so each is authorized, admitted against budgets and limits, routed, metered and recorded on
// its own, with no copy of the pipeline here. The key must be allowed every model before any is called.
import { GatewayError } from '../core/errors.ts';
import { parseJsonObject } from '../core/json-body.ts';
import type { GatewayRequest, Reply, RequestContext, Route } from '../core/types.ts';
import type { ModelAccess } from '../keys/model-access.ts';
import type { Loopback } from '../core/loopback.ts';

/** The most models one batch names: each is a model call of its own. */
export const MAX_BATCH_MODELS = 10;

/** A `"model"` string with a comma in it, as JSON writes it (escapes aside, which the parse then settles). */
const LISTED_MODELS = /"model"\s*:\s*"[^"]*,/;

/** The chat `route`, with requests whose `model` lists several models (comma-separated) sent to each; the others as before. */
export function withBatchModels(route: Route, loopback: Loopback, access: ModelAccess): Route {
  return {
    ...route,
    handle: (request, ctx, params) => {
      // Most requests name one model: a scan of the text spares them a second parse of the body.
      if (!LISTED_MODELS.test(request.body)) return route.handle(request, ctx, params);
      const body = parseJsonObject(request.body);
      const models = typeof body['model'] === 'string' && params['model'] === undefined ? batchModels(body['model']) : undefined;
      if (!models) return route.handle(request, ctx, params);
      return runBatch(request, body, models, ctx, loopback, access);
    },
  };
}

/** The models a comma-separated `model` names, or undefined when it names one. */
function batchModels(model: string): string[] | undefined {
  if (!model.includes(',')) return undefined;
  const models = model.split(',').map((name) => name.trim());
  if (models.some((name) => !name))
    throw new GatewayError('invalid_request', `model "${model}" lists an empty model name: separate model names with single commas ("gpt-4o,claude").`, { param: 'model' });
  if (models.length > MAX_BATCH_MODELS) throw new GatewayError('invalid_request', `model lists ${models.length} models; a batch completion takes at most ${MAX_BATCH_MODELS}.`, { param: 'model' });
  return models;
}

async function runBatch(request: GatewayRequest, body: Record<string, unknown>, models: string[], ctx: RequestContext, loopback: Loopback, access: ModelAccess): Promise<Reply> {
  if (body['stream'] === true) {
    throw new GatewayError('unsupported_params', 'A batch completion (several models in `model`) answers with a list of whole completions: send stream: false, or one request per model to stream.', {
      param: 'stream',
    });
  }
  // Refused as a whole: no model is called if the key may not call every one.
  for (const model of models) access.authorize(ctx.identity, model);
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'content-length'));
  const answers = await Promise.all(models.map((model) => loopback.call({ ...request, headers, body: JSON.stringify({ ...body, model }), signal: ctx.signal })));
  // A model that failed has its error (OpenAI's shape) in its place; the others' answers stand, as they were charged.
  return { body: `[${answers.map((answer) => answer.text).join(',')}]` };
}
