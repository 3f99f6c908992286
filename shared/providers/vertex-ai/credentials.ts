// Google credentials for Vertex AI, as LiteLLM takes them: `vertex_credentials` holding a
// service-account key (or an `authorized_user` file from `gcloud auth application-default login`)
// as a JSON string, as a YAML mapping, or as the path of the JSON file; without it, the file
// GOOGLE_APPLICATION_CREDENTIALS names. Never logged; messages name fields, never values.
import { readFileSync } from 'node:fs';
import { GatewayError } from '../../core/errors.ts';

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

export interface ServiceAccountCredentials {
  type: 'service_account';
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
  /** Where the signed assertion is exchanged for an access token (the JWT's audience). */
  token_uri: string;
}

export interface AuthorizedUserCredentials {
  type: 'authorized_user';
  client_id: string;
  client_secret: string;
  refresh_token: string;
  quota_project_id?: string;
  token_uri: string;
}

export type GoogleCredentials = ServiceAccountCredentials | AuthorizedUserCredentials;

/** Files are read once per path: credentials do not change under a running gateway. */
const fromFiles = new Map<string, GoogleCredentials>();

export function loadCredentials(value: unknown, environment: NodeJS.ProcessEnv = process.env): GoogleCredentials {
  if (value && typeof value === 'object') return validate(value as Record<string, unknown>, 'litellm_params.vertex_credentials');
  if (typeof value === 'string' && value.trim().startsWith('{')) return validate(parse(value, 'litellm_params.vertex_credentials'), 'litellm_params.vertex_credentials');
  const path = typeof value === 'string' && value.trim() ? value.trim() : environment['GOOGLE_APPLICATION_CREDENTIALS'];
  if (!path) {
    throw configProblem('vertex_ai needs credentials: set litellm_params.vertex_credentials to a service-account key (JSON, or the path of its file), or GOOGLE_APPLICATION_CREDENTIALS to that file.');
  }
  let credentials = fromFiles.get(path);
  if (!credentials) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw configProblem(`vertex_ai cannot read the credentials file ${path}.`);
    }
    credentials = validate(parse(text, path), path);
    fromFiles.set(path, credentials);
  }
  return credentials;
}

function parse(text: string, source: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below, without the text: it holds a private key
  }
  throw configProblem(`vertex_ai credentials in ${source} are not a JSON object.`);
}

function validate(raw: Record<string, unknown>, source: string): GoogleCredentials {
  const field = (name: string): string => {
    const value = raw[name];
    if (typeof value !== 'string' || !value) throw configProblem(`vertex_ai credentials in ${source} lack "${name}".`);
    return value;
  };
  const optional = (name: string): string | undefined => (typeof raw[name] === 'string' && raw[name] ? (raw[name] as string) : undefined);
  const tokenUri = optional('token_uri') ?? GOOGLE_TOKEN_URI;
  if (raw['type'] === 'authorized_user') {
    return {
      type: 'authorized_user',
      client_id: field('client_id'),
      client_secret: field('client_secret'),
      refresh_token: field('refresh_token'),
      quota_project_id: optional('quota_project_id'),
      token_uri: tokenUri,
    };
  }
  if (raw['type'] !== undefined && raw['type'] !== 'service_account') {
    throw configProblem(`vertex_ai credentials in ${source} are of type "${String(raw['type'])}"; use a service_account key or authorized_user credentials.`);
  }
  return {
    type: 'service_account',
    client_email: field('client_email'),
    private_key: field('private_key'),
    private_key_id: optional('private_key_id'),
    project_id: optional('project_id'),
    token_uri: tokenUri,
  };
}

/** The deployment's credentials are unusable: nothing the client can fix, and nothing to retry. */
function configProblem(message: string): GatewayError {
  return new GatewayError('upstream_auth', message);
}
