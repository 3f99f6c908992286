// SigV4 for an AWS API called over plain HTTP (shared/http/upstream.ts) rather than through an SDK
// client: the SDK's own signer, with the `aws_*` keys a deployment names or else the credentials the
// Bedrock client resolves from the default chain (environment, SSO/profile, the Lambda role), so both
// sign alike. Loaded on first use, as the SDK clients are.
import { bedrockClient, type BedrockTarget } from '../bedrock/client.ts';

/** The headers that sign a request to `service` in the target's region (the body's hash included). */
export async function signedHeaders(url: string, body: string, headers: Record<string, string>, service: string, target: BedrockTarget): Promise<Record<string, string>> {
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]);
  const credentials = target.credentials ?? (await (await bedrockClient(target)).config.credentials());
  const signer = new SignatureV4({ service, region: target.region, credentials, sha256: Sha256 });
  const parsed = new URL(url);
  const signed = await signer.sign({
    method: 'POST',
    protocol: parsed.protocol,
    hostname: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : undefined,
    path: parsed.pathname,
    headers: { ...headers, host: parsed.host },
    body,
  });
  return signed.headers;
}
