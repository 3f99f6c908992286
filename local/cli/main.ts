// The admin CLI: `tollgate config check FILE` (./config-check.ts), `tollgate cost ...` (./cost.ts), and
// `tollgate <keys|teams|users> <action> [args] [--flags]` against any Tollgate URL
// (--url or TOLLGATE_URL, default http://127.0.0.1:4000) with the master key (--master-key or TOLLGATE_MASTER_KEY).
// Prints the answer as JSON; exits 1 with the gateway's message when it refuses.
import { COMMANDS, type Command, type FlagKind } from './commands.ts';

const DEFAULT_URL = 'http://127.0.0.1:4000';

class UsageError extends Error {}

function usage(): string {
  const lines = [
    'usage: tollgate <group> <action> [args] [--flags] [--url URL] [--master-key KEY]',
    '',
    '  tollgate config check FILE   what a LiteLLM config serves, disables and ignores, read with this environment',
    '  tollgate cost --requests 10M --avg-upstream 5s   what a month costs on Lambda, on Fargate and with LiteLLM (docs/COST.md)',
    '',
  ];
  for (const [group, actions] of Object.entries(COMMANDS)) {
    for (const [action, command] of Object.entries(actions)) {
      const args = (command.args ?? []).map((a) => `<${a.replace('[]', '...')}>`).join(' ');
      const flags = Object.keys(command.flags ?? {})
        .map((f) => `--${f}`)
        .join(' ');
      lines.push(`${`  tollgate ${group} ${action} ${args}`.trimEnd()}   ${command.summary}${flags ? ` [${flags}]` : ''}`);
    }
  }
  lines.push('', '--models a,b (or repeated); --metadata \'{"app":"x"}\'; TOLLGATE_URL and TOLLGATE_MASTER_KEY may stand in for --url and --master-key.');
  return lines.join('\n');
}

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
}

function parse(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const next = argv[i + 1];
    const takesNext = inline === undefined && next !== undefined && !next.startsWith('--');
    if (takesNext) i++;
    const value = inline ?? (takesNext ? next : 'true');
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

function flagValue(name: string, kind: FlagKind, values: string[]): unknown {
  const last = values[values.length - 1]!;
  switch (kind) {
    case 'string':
      return last;
    case 'boolean':
      return last !== 'false';
    case 'list':
      return values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean);
    case 'number': {
      const n = Number(last);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} takes a number, not "${last}"`);
      return n;
    }
    case 'json':
      try {
        return JSON.parse(last);
      } catch {
        throw new UsageError(`--${name} takes JSON, e.g. '{"app": "x"}'`);
      }
  }
}

/** The request's fields: positional arguments, then flags as LiteLLM's snake_case fields. */
function fields(command: Command, parsed: Parsed, rest: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...command.fixed };
  const args = command.args ?? [];
  args.forEach((arg, i) => {
    if (arg.endsWith('[]')) {
      if (!rest.slice(i).length) throw new UsageError(`name at least one ${arg.slice(0, -2).replace(/s$/, '')}`);
      out[arg.slice(0, -2)] = rest.slice(i);
    } else {
      if (rest[i] === undefined) throw new UsageError(`missing <${arg}>`);
      out[arg] = rest[i];
    }
  });
  for (const [name, values] of parsed.flags) {
    if (name === 'url' || name === 'master-key') continue;
    const kind = command.flags?.[name];
    if (!kind)
      throw new UsageError(
        `unknown flag --${name}${
          command.flags
            ? ` (this command takes ${Object.keys(command.flags)
                .map((f) => `--${f}`)
                .join(', ')})`
            : ''
        }`,
      );
    out[name.replace(/-/g, '_')] = flagValue(name, kind, values);
  }
  return out;
}

/** team member flags become LiteLLM's `member` object. */
function body(path: string, input: Record<string, unknown>): Record<string, unknown> {
  if (path !== '/team/member_add') return input;
  const { team_id, user_id, role, ...rest } = input;
  return { team_id, member: { user_id, role: role ?? 'user' }, ...rest };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parse(argv);
  const [group, action, ...rest] = parsed.positional;
  if (group === 'config' && action === 'check') {
    if (!rest[0]) throw new UsageError('usage: tollgate config check FILE');
    // Loaded only here: it brings the whole gateway, which the admin commands do not need.
    const { checkConfig } = await import('./config-check.ts');
    const { text, ok } = checkConfig(rest[0], (name) => process.env[name]);
    process.stdout.write(text);
    return ok ? 0 : 1;
  }
  if (group === 'cost') {
    const { costCommand } = await import('./cost.ts');
    const { text, ok } = costCommand(parsed.flags);
    (ok ? process.stdout : process.stderr).write(text);
    return ok ? 0 : 2;
  }
  const command = group && action ? COMMANDS[group]?.[action] : undefined;
  if (!command) {
    process.stderr.write(`${usage()}\n`);
    return group === 'help' || parsed.flags.has('help') ? 0 : 2;
  }
  const url = (parsed.flags.get('url')?.at(-1) ?? process.env['TOLLGATE_URL'] ?? DEFAULT_URL).replace(/\/$/, '');
  const masterKey = parsed.flags.get('master-key')?.at(-1) ?? process.env['TOLLGATE_MASTER_KEY'];
  if (!masterKey) throw new UsageError('no master key: pass --master-key or set TOLLGATE_MASTER_KEY');

  const input = body(command.path, fields(command, parsed, rest));
  const query = command.method === 'GET' ? `?${new URLSearchParams(Object.entries(input).map(([k, v]): [string, string] => [k, String(v)]))}` : '';
  const response = await fetch(`${url}${command.path}${query === '?' ? '' : query}`, {
    method: command.method,
    headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
    body: command.method === 'POST' ? JSON.stringify(input) : undefined,
  }).catch((error: Error) => {
    throw new UsageError(`cannot reach ${url}: ${(error.cause as Error | undefined)?.message ?? error.message}`);
  });
  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = text;
  }
  if (!response.ok) {
    const message = (answer as { error?: { message?: string } })?.error?.message ?? text;
    process.stderr.write(`tollgate: ${response.status}: ${message}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`tollgate: ${error.message}\n`);
  process.exitCode = 2;
}
