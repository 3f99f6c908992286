// LiteLLM's Vertex AI pass-through for Claude: `/vertex_ai/v1/projects/{project}/locations/{location}/
// publishers/anthropic/models/{model}:rawPredict` and `:streamRawPredict`, as Claude Code on Vertex
// (CLAUDE_CODE_USE_VERTEX, ANTHROPIC_VERTEX_BASE_URL=<gateway>/vertex_ai/v1) and Anthropic's Vertex SDK
// call them, and its token count at `.../models/count-tokens:rawPredict`. The body is Anthropic's
// Messages request with Vertex's `anthropic_version` and the model in the path: it is the /v1/messages
// kind of call (shared/endpoints/messages.ts), pipeline and all, answered as Anthropic answers. The
// project and location in the path are the client's; the deployment's own are the ones called.
import type { Route } from '../core/types.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import type { ChatDeps } from './chat-completions.ts';
import { countTokens } from './count-tokens.ts';
import { messages } from './messages.ts';

const ANTHROPIC_MODELS = ['/vertex_ai', '/vertex-ai'].map((prefix) => `${prefix}/{version}/projects/{project}/locations/{location}/publishers/anthropic/models`);

export function vertexRawPredictEndpoint(pipeline: ModelCallPipeline, deps: ChatDeps): Route[] {
  const kind = messages(deps);
  return [
    // Before `{model}:rawPredict`, which would take `count-tokens` for a model.
    pipeline.route(
      ANTHROPIC_MODELS.map((models) => `${models}/count-tokens:rawPredict`),
      withVertexVersion(countTokens),
    ),
    pipeline.route(
      ANTHROPIC_MODELS.map((models) => `${models}/{model}:rawPredict`),
      withVertexVersion(kind, false),
    ),
    pipeline.route(
      ANTHROPIC_MODELS.map((models) => `${models}/{model}:streamRawPredict`),
      withVertexVersion(kind, true),
    ),
  ];
}

/** Vertex names the API version in the body (the Messages API takes no such field) and, for messages, streams by path. */
function withVertexVersion<Body, Committed>(kind: ModelCallKind<Body, Committed>, streamed?: boolean): ModelCallKind<Body, Committed> {
  return {
    ...kind,
    parse: (json, headers, ctx) => {
      const { anthropic_version: _version, ...message } = json;
      return kind.parse(streamed === undefined ? message : { ...message, stream: streamed }, headers, ctx);
    },
  };
}
