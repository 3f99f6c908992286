// `api_base` is accepted with or without the provider's version path, as LiteLLM accepts it:
// `http://host:8000` and `http://host:8000/v1` both reach `http://host:8000/v1/...`.

export function withVersionPath(apiBase: string, versionPath: string): string {
  const base = apiBase.replace(/\/+$/, '');
  if (!versionPath) return base;
  const path = new URL(base).pathname;
  if (path.endsWith(versionPath) || /\/v\d+(beta\d*|alpha\d*)?$/.test(path)) return base;
  return `${base}${versionPath}`;
}
