// SigV4 for Polly, called over plain HTTP (shared/http/upstream.ts) rather than through an SDK client:
// with the `aws_*` keys a deployment names or else the credentials the Bedrock client resolves from the
// default chain (environment, SSO/profile, the Lambda role), so both sign alike.
import { sigV4Headers } from '../../http/sigv4.ts';
import { bedrockClient, type BedrockTarget } from '../bedrock/client.ts';

/** The headers that sign a request to `service` in the target's region (the body's hash included). */
export async function signedHeaders(url: string, body: string, headers: Record<string, string>, service: string, target: BedrockTarget): Promise<Record<string, string>> {
  const credentials = target.credentials ?? (await (await bedrockClient(target)).config.credentials());
  return sigV4Headers(url, body, headers, { service, region: target.region, credentials });
}
