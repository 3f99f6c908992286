// The model-call pipeline: every endpoint that calls a model runs its requests through here, so keys,
// model access, budgets, rate limits, routing, retries, fallbacks, usage, cost and the spend record
// happen once, the same way, for every kind of call. An endpoint only declares its kind
// (./model-call.ts): schema, plan, attempt and answer.
//   parse → caller (authenticated by the core) and end user, read once → model access for the model
//   and every fallback the request names → admission (budgets and limits reserved at the worst case)
//   → the response cache (a hit answers from it) → routing (each attempt on a deployment) → the
//   answer, its usage and cost recorded → the spend record before the last byte, settlement after it.
import type { ResponseCache } from '../cache/response-cache.ts';
import { parseJsonObject, withoutNulls } from '../core/json-body.ts';
import { parseMultipart } from '../core/multipart.ts';
import type { Route, RequestContext, Reply } from '../core/types.ts';
import type { GuardrailStep } from '../guardrails/guardrail-step.ts';
import { endUserOf } from '../keys/end-user.ts';
import type { ModelAccess } from '../keys/model-access.ts';
import { requestTags } from '../keys/request-tags.ts';
import { recordAttempt, startCallRecord } from '../pricing/call-record.ts';
import type { Pricer } from '../pricing/pricer.ts';
import { requestFallbackModels } from '../router/request-options.ts';
import type { Router } from '../router/router.ts';
import type { AllowedRegion } from '../router/model-region.ts';
import type { SpendTracker } from '../spend/tracker.ts';
import type { ModelCallKind } from './model-call.ts';
import { RequestControls } from './request-controls.ts';
import type { ModelModes } from './model-modes.ts';
import { UsageMeter } from './usage-meter.ts';

export interface PipelineDeps {
  access: ModelAccess;
  router: Router;
  pricer: Pricer;
  /** Budgets, rate limits and the spend ledger; absent when the gateway runs without a table. */
  spend?: SpendTracker;
  /** `litellm_settings.cache`: answers served from and stored in the response cache; absent when it is off. */
  cache?: ResponseCache;
  /** The configured guardrails; absent when the config has none. */
  guardrails?: GuardrailStep;
  /** Which model groups each kind of call may go to (their modes). */
  modes?: ModelModes;
}

export class ModelCallPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** The route that serves `kind` on `paths`. */
  route<Body, Committed>(paths: string[], kind: ModelCallKind<Body, Committed>): Route {
    const { multipart } = kind;
    return {
      method: 'POST',
      paths,
      auth: 'caller',
      group: 'llm_api',
      errorBody: kind.errorBody,
      binaryBody: multipart !== undefined,
      handle: async (request, ctx, params) =>
        this.run(kind, multipart ? await parseMultipart(request.bytes!, request.headers['content-type'], multipart) : withPathModel(parseJsonObject(request.body), params), request.headers, ctx),
    };
  }

  private async run<Body, Committed>(kind: ModelCallKind<Body, Committed>, json: Record<string, unknown>, headers: Record<string, string>, ctx: RequestContext): Promise<Reply> {
    const { access, router, pricer, spend } = this.deps;
    // An explicit null is an absent field for every kind, and is never sent upstream; nor are the test hooks.
    const { controls, body: rest } = RequestControls.take(withoutNulls(json), headers);
    const body = await kind.parse(rest, headers, ctx);
    const plan = kind.plan(body);
    const routing = controls.skipsRetries && plan.routing.numRetries === undefined ? { ...plan.routing, numRetries: 0 } : plan.routing;
    const record = startCallRecord(ctx, { model: plan.model, callType: kind.callType, request: json, headers });

    const endUser = endUserOf(headers, plan.endUser, ctx.identity);
    record.endUser = endUser;
    const tags = requestTags(headers, json, ctx.identity);
    const [customer, tagRecords] = await Promise.all([access.customer(endUser), access.tagRecords(tags)]);
    access.checkEndUser(customer);
    // Fallbacks a client names are models it asks for, just like `model`; the config's are the operator's choice.
    for (const model of [plan.model, ...requestFallbackModels(plan.routing).map((fallback) => fallback.model)]) access.authorize(ctx.identity, model);
    // The team's and the key's aliases name the group the request goes to: its mode, budgets and prices apply.
    const model = access.routedModel(ctx.identity, plan.model);
    if (kind.modes) this.deps.modes?.check(model, kind.modes);
    const guard = this.deps.guardrails?.start(kind.guard, json, ctx, record, endUser);

    await spend?.admit(ctx, { callType: kind.callType, model, endUser, customer, tags, tagRecords, size: plan.size, routing: plan.routing, free: plan.free, record });
    // After admission, so that a refused request is in the ledger with the guardrail that refused it.
    await guard?.beforeCall(body);

    const callModel = async (sent: Body) => {
      const routed = await router.route(
        {
          model,
          promptTokens: plan.promptTokens,
          options: routing,
          measured: !plan.free,
          usedTokens: () => record.usage?.total_tokens,
          tags,
          region: allowedRegion(customer),
        },
        ctx,
        (deployment) => recordAttempt(ctx, record, deployment, () => kind.attempt(sent, controls.apply(deployment, plan.model, ctx), ctx)),
      );
      return routed.value;
    };
    // The cache answers a hit without calling a model, and keeps a miss's answer as it passes.
    const committed = this.deps.cache ? await this.deps.cache.serve(kind, body, json, headers, ctx, record, callModel) : await callModel(body);
    const meter = new UsageMeter(ctx, record, pricer, plan.size, plan.prompt);
    return kind.answer(guard ? await guard.afterCall(committed, meter) : committed, body, meter, ctx);
  }
}

/** Azure's SDKs name the deployment in the path (`/openai/deployments/{model}/...`): it is the model, over the body's, as LiteLLM takes it. */
function withPathModel(json: Record<string, unknown>, params: Record<string, string>): Record<string, unknown> {
  return params['model'] === undefined ? json : { ...json, model: params['model'] };
}

/** The end user's `allowed_model_region`, when its customer record sets one LiteLLM knows. */
function allowedRegion(customer: Record<string, unknown> | undefined): AllowedRegion | undefined {
  const region = customer?.['allowed_model_region'];
  return region === 'eu' || region === 'us' ? region : undefined;
}
