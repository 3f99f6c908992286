// The model-call pipeline: every endpoint that calls a model runs its requests through here, so keys,
// model access, budgets, rate limits, routing, retries, fallbacks, usage, cost and the spend record
// happen once, the same way, for every kind of call. An endpoint only declares its kind
// (./model-call.ts): schema, plan, attempt and answer.
//   parse → caller (authenticated by the core) and end user, read once → model access for the model
//   and every fallback the request names → admission (budgets and limits reserved at the worst case)
//   → routing (each attempt on a deployment) → the answer, its usage and cost recorded → the spend
//   record before the last byte, settlement after it.
import { parseJsonObject } from '../core/json-body.ts';
import { parseMultipart } from '../core/multipart.ts';
import type { Route, RequestContext, Reply } from '../core/types.ts';
import { endUserOf } from '../keys/end-user.ts';
import type { ModelAccess } from '../keys/model-access.ts';
import { recordDeployment, startCallRecord } from '../pricing/call-record.ts';
import type { Pricer } from '../pricing/pricer.ts';
import { requestFallbackModels } from '../router/request-options.ts';
import type { Router } from '../router/router.ts';
import type { SpendTracker } from '../spend/tracker.ts';
import type { ModelCallKind } from './model-call.ts';
import type { ModelModes } from './model-modes.ts';
import { UsageMeter } from './usage-meter.ts';

export interface PipelineDeps {
  access: ModelAccess;
  router: Router;
  pricer: Pricer;
  /** Budgets, rate limits and the spend ledger; absent when the gateway runs without a table. */
  spend?: SpendTracker;
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
      errorBody: kind.errorBody,
      binaryBody: multipart !== undefined,
      handle: async (request, ctx) =>
        this.run(kind, multipart ? await parseMultipart(request.bytes!, request.headers['content-type'], multipart) : parseJsonObject(request.body), request.headers, ctx),
    };
  }

  private async run<Body, Committed>(kind: ModelCallKind<Body, Committed>, json: Record<string, unknown>, headers: Record<string, string>, ctx: RequestContext): Promise<Reply> {
    const { access, router, pricer, spend } = this.deps;
    const body = kind.parse(json, headers);
    const plan = kind.plan(body);
    const record = startCallRecord(ctx, plan.model);

    const endUser = endUserOf(headers, plan.endUser);
    const customer = await access.customer(endUser);
    access.checkEndUser(customer);
    // Fallbacks a client names are models it asks for, just like `model`; the config's are the operator's choice.
    for (const model of [plan.model, ...requestFallbackModels(plan.routing).map((fallback) => fallback.model)]) access.authorize(ctx.identity, model);
    if (kind.modes) this.deps.modes?.check(plan.model, kind.modes);

    await spend?.admit(ctx, { callType: kind.callType, model: plan.model, endUser, customer, size: plan.size, routing: plan.routing, free: plan.free, record });

    const routed = await router.route(
      { model: plan.model, promptTokens: plan.promptTokens, options: plan.routing, measured: !plan.free, usedTokens: () => record.usage?.total_tokens },
      ctx,
      (deployment) => {
        recordDeployment(ctx, record, deployment);
        return kind.attempt(body, deployment, ctx);
      },
    );
    return kind.answer(routed.value, body, new UsageMeter(ctx, record, pricer, plan.size, plan.prompt), ctx);
  }
}
