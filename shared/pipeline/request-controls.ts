// What a model request asks of its attempts beyond the call itself, as LiteLLM's users and tests ask
// it: the test hooks `mock_testing_rate_limit_error`, `mock_testing_fallbacks` and `mock_timeout`
// (booleans in the body), and the `x-litellm-timeout` header. The pipeline takes the hooks off the body
// before the kind parses it, so no upstream ever sees them, and applies them to each attempt; every
// attempt answers with the timeout it had in `x-litellm-timeout`, as LiteLLM's do.
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';

const HOOKS = ['mock_testing_rate_limit_error', 'mock_testing_fallbacks', 'mock_timeout'] as const;
type Hook = (typeof HOOKS)[number];

export class RequestControls {
  /** The first attempt has been made (the rate-limit hook fails only that one, so a retry succeeds). */
  private attempted = false;

  private constructor(
    private readonly hooks: ReadonlySet<Hook>,
    private readonly timeoutSeconds: number | undefined,
  ) {}

  /** The controls `json` and `headers` ask for, and the body without them; a hook that is not a boolean, or a bad header, is a 400. */
  static take(json: Record<string, unknown>, headers: Record<string, string>): { controls: RequestControls; body: Record<string, unknown> } {
    const body = { ...json };
    const hooks = new Set<Hook>();
    for (const hook of HOOKS) {
      const value = body[hook];
      delete body[hook];
      if (value === undefined || value === false) continue;
      if (value !== true) throw new GatewayError('invalid_request', `\`${hook}\` must be true or false.`, { param: hook });
      hooks.add(hook);
    }
    return { controls: new RequestControls(hooks, timeoutHeader(headers['x-litellm-timeout'])), body };
  }

  /** Asks the router to go straight to the fallbacks when the requested group is made to fail, as LiteLLM does. */
  get skipsRetries(): boolean {
    return this.hooks.has('mock_testing_fallbacks');
  }

  /** The deployment as this attempt uses it (the request's timeout); throws the failure a hook asks for. */
  apply(deployment: Deployment, requestedModel: string, ctx: RequestContext): Deployment {
    const first = !this.attempted;
    this.attempted = true;
    const timeoutMs = this.timeoutSeconds === undefined ? deployment.timeoutMs : this.timeoutSeconds * 1000;
    ctx.responseHeaders['x-litellm-timeout'] = pythonFloat(timeoutMs / 1000);
    const group = deployment.modelName;
    if (this.hooks.has('mock_testing_rate_limit_error') && first) {
      throw new GatewayError('rate_limited', `This is a mock exception for model=${group}, to trigger a rate limit error (mock_testing_rate_limit_error).`);
    }
    if (this.hooks.has('mock_testing_fallbacks') && group === requestedModel) {
      throw new GatewayError('upstream_error', `This is a mock exception for model=${group}, to trigger a fallback (mock_testing_fallbacks).`);
    }
    if (this.hooks.has('mock_timeout')) {
      throw new GatewayError('timeout', `Request timed out after ${pythonFloat(timeoutMs / 1000)} seconds on model=${group} (mock_timeout).`);
    }
    return this.timeoutSeconds === undefined
      ? deployment
      : { ...deployment, timeoutMs, streamTimeoutMs: deployment.streamTimeoutMs === undefined ? undefined : Math.min(deployment.streamTimeoutMs, timeoutMs) };
  }
}

function timeoutHeader(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!value.trim() || !Number.isFinite(seconds) || seconds <= 0) {
    throw new GatewayError('invalid_request', `The x-litellm-timeout header must be a number of seconds above 0, not "${value}".`, { param: 'x-litellm-timeout' });
  }
  return seconds;
}

/** Seconds as LiteLLM (Python) writes a float: "1.0", "0.001", "600.0". */
function pythonFloat(seconds: number): string {
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
}
