// Where a Vertex AI model lives and how to reach it: project and region from litellm_params (as
// LiteLLM names them, with its environment fallbacks), the regional host, and a fresh bearer token.
import type { Deployment } from '../../config/types.ts';
import { GatewayError } from '../../core/errors.ts';
import { withVersionPath } from '../api-base.ts';
import { accessToken } from './access-token.ts';
import { loadCredentials } from './credentials.ts';

export const PROVIDER_NAME = 'vertex_ai';
export const DEFAULT_LOCATION = 'us-central1';

/** A model's resource URL (before `:method`) and the headers that authenticate a call to it. */
export interface VertexModel {
  provider: string;
  modelUrl: string;
  headers: Record<string, string>;
  /** The access token, masked out of anything a client sees. */
  secrets: string[];
}

export async function vertexModel(deployment: Deployment, publisher: 'google' | 'anthropic', model: string, environment: NodeJS.ProcessEnv = process.env): Promise<VertexModel> {
  const { locationUrl, token } = await vertexLocation(deployment, environment);
  return {
    provider: PROVIDER_NAME,
    modelUrl: `${locationUrl}/publishers/${publisher}/models/${model}`,
    headers: { authorization: `Bearer ${token}` },
    secrets: [token],
  };
}

/** The deployment's project and region as a URL (`.../v1/projects/{project}/locations/{region}`), with a fresh access token for it. */
export async function vertexLocation(deployment: Deployment, environment: NodeJS.ProcessEnv = process.env): Promise<{ locationUrl: string; token: string }> {
  const params = deployment.params;
  const credentials = loadCredentials(params['vertex_credentials'] ?? params['vertex_ai_credentials'], environment);
  const project =
    stringParam(params['vertex_project']) ??
    stringParam(params['vertex_ai_project']) ??
    environment['VERTEXAI_PROJECT'] ??
    (credentials.type === 'service_account' ? credentials.project_id : credentials.quota_project_id);
  if (!project) throw new GatewayError('upstream_auth', 'vertex_ai needs a project: set litellm_params.vertex_project (the service-account key names none).');
  const location = stringParam(params['vertex_location']) ?? stringParam(params['vertex_ai_location']) ?? environment['VERTEXAI_LOCATION'] ?? DEFAULT_LOCATION;
  // The region becomes part of a host name that receives the token: nothing but a region name may pass.
  if (!/^[a-z0-9-]+$/.test(location)) throw new GatewayError('upstream_not_found', `vertex_location "${location}" is not a Vertex AI region (e.g. us-central1, europe-west4, global).`);
  const host = location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`;
  const base = withVersionPath(deployment.apiBase ?? host, '/v1');
  return { locationUrl: `${base}/projects/${encodeURIComponent(project)}/locations/${location}`, token: await accessToken(credentials) };
}

/** Claude models on Vertex are served by Anthropic's publisher; every other model id is Google's. */
export function publisherOf(model: string): 'google' | 'anthropic' {
  return /^claude-/i.test(model) ? 'anthropic' : 'google';
}

/** Partner models on Vertex's Model-as-a-Service are named with their publisher (`meta/llama-3.3-70b-instruct-maas`). */
export function isPartnerModel(model: string): boolean {
  return model.includes('/');
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
