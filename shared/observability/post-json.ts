// One POST of a JSON body to a collector (Langfuse's ingestion API, a generic log endpoint), bounded
// in time; any answer but a 2xx is thrown, naming the status (never the headers: they hold credentials).
const POST_TIMEOUT_MS = 3_000;

export async function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${new URL(url).origin} answered ${response.status}`);
  }
  return response;
}
