// SigV4 for an AWS API called over plain HTTP (./upstream.ts) rather than through an SDK client: the
// SDK's own signer, loaded on first use as the SDK clients are. Who signs (the credentials) is the
// caller's: a provider's deployment keys or chain (Polly), the table client's (S3 Vectors).
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The headers that sign a POST of `body` to `url` for `service` in `region` (the body's hash included). */
export async function sigV4Headers(
  url: string,
  body: string,
  headers: Record<string, string>,
  scope: { service: string; region: string; credentials: AwsCredentials },
): Promise<Record<string, string>> {
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]);
  const signer = new SignatureV4({ ...scope, sha256: Sha256 });
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
