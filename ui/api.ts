// The UI's calls to the gateway: the admin API in LiteLLM's shapes, with the session cookie the
// browser holds (never a key) and, on every change, the session's CSRF token.

export interface SessionInfo {
  signed_in: boolean;
  open: boolean;
  user_id?: string | null;
  user_role?: string;
  csrf_token?: string | null;
  sso?: boolean;
}

let csrfToken: string | null = null;

export function setSessionToken(session: SessionInfo): void {
  csrfToken = session.csrf_token ?? null;
}

/** An error the gateway answered, with its message (OpenAI's error shape). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (!response.ok) {
    const text = await response.text();
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {}
    throw new ApiError(response.status, message);
  }
  return response;
}

export async function get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const response = await request('GET', params.size ? `${path}?${params}` : path);
  return (await response.json()) as T;
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  return (await (await request('POST', path, body)).json()) as T;
}

export async function del<T>(path: string, body: unknown): Promise<T> {
  return (await (await request('DELETE', path, body)).json()) as T;
}

/** POSTs and yields the text of each server-sent event's data as it arrives (the playground's stream). */
export async function* postStream(path: string, body: unknown): AsyncGenerator<string> {
  const response = await request('POST', path, body);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split('\n')) if (line.startsWith('data:')) yield line.slice(5).trim();
      end = buffer.indexOf('\n\n');
    }
  }
}
