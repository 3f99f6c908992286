// What each `tollgate <group> <action>` does: the admin route it calls and how its flags become
// LiteLLM's fields (`--max-budget 10` → `max_budget: 10`).

export type FlagKind = 'string' | 'number' | 'list' | 'json' | 'boolean';

export interface Command {
  summary: string;
  method: 'GET' | 'POST';
  path: string;
  /** Positional arguments, in order, and the field each fills (`[]` suffix: the rest, as a list). */
  args?: string[];
  flags?: Record<string, FlagKind>;
  /** Fields every call sends (e.g. `blocked: true`). */
  fixed?: Record<string, unknown>;
}

const limits: Record<string, FlagKind> = {
  'max-budget': 'number',
  'soft-budget': 'number',
  'budget-duration': 'string',
  'rpm-limit': 'number',
  'tpm-limit': 'number',
  'max-parallel-requests': 'number',
  metadata: 'json',
};

export const COMMANDS: Record<string, Record<string, Command>> = {
  keys: {
    create: {
      summary: 'make a key (shown once)',
      method: 'POST',
      path: '/key/generate',
      flags: { models: 'list', 'key-alias': 'string', duration: 'string', 'team-id': 'string', 'user-id': 'string', tags: 'list', ...limits },
    },
    update: {
      summary: 'change a key',
      method: 'POST',
      path: '/key/update',
      args: ['key'],
      flags: { models: 'list', 'key-alias': 'string', duration: 'string', 'team-id': 'string', 'user-id': 'string', tags: 'list', ...limits },
    },
    list: {
      summary: 'list keys',
      method: 'GET',
      path: '/key/list',
      flags: { 'team-id': 'string', 'user-id': 'string', 'key-alias': 'string', page: 'number', size: 'number', 'return-full-object': 'boolean' },
    },
    info: { summary: 'show a key', method: 'POST', path: '/key/info', args: ['key'] },
    block: { summary: 'block a key', method: 'POST', path: '/key/block', args: ['key'] },
    unblock: { summary: 'unblock a key', method: 'POST', path: '/key/unblock', args: ['key'] },
    regenerate: { summary: 'replace a key with a new one', method: 'POST', path: '/key/regenerate', args: ['key'] },
    delete: { summary: 'delete keys', method: 'POST', path: '/key/delete', args: ['keys[]'] },
  },
  teams: {
    create: { summary: 'make a team', method: 'POST', path: '/team/new', flags: { 'team-id': 'string', 'team-alias': 'string', models: 'list', ...limits } },
    update: { summary: 'change a team', method: 'POST', path: '/team/update', args: ['team_id'], flags: { 'team-alias': 'string', models: 'list', ...limits } },
    list: { summary: 'list teams', method: 'GET', path: '/team/list' },
    info: { summary: 'show a team and its keys', method: 'GET', path: '/team/info', args: ['team_id'] },
    block: { summary: 'block a team', method: 'POST', path: '/team/block', args: ['team_id'] },
    unblock: { summary: 'unblock a team', method: 'POST', path: '/team/unblock', args: ['team_id'] },
    'add-member': { summary: 'add a user to a team', method: 'POST', path: '/team/member_add', args: ['team_id', 'user_id'], flags: { role: 'string' } },
    'remove-member': { summary: 'remove a user from a team', method: 'POST', path: '/team/member_delete', args: ['team_id', 'user_id'] },
    delete: { summary: 'delete teams and their keys', method: 'POST', path: '/team/delete', args: ['team_ids[]'] },
  },
  users: {
    create: {
      summary: 'make a user (and a key for them)',
      method: 'POST',
      path: '/user/new',
      flags: { 'user-id': 'string', 'user-email': 'string', 'user-role': 'string', models: 'list', 'auto-create-key': 'boolean', ...limits },
    },
    update: { summary: 'change a user', method: 'POST', path: '/user/update', args: ['user_id'], flags: { 'user-email': 'string', 'user-role': 'string', models: 'list', ...limits } },
    list: { summary: 'list users', method: 'GET', path: '/user/list', flags: { page: 'number', 'page-size': 'number' } },
    info: { summary: 'show a user, their keys and teams', method: 'GET', path: '/user/info', args: ['user_id'] },
    block: { summary: 'block a user', method: 'POST', path: '/user/update', args: ['user_id'], fixed: { blocked: true } },
    unblock: { summary: 'unblock a user', method: 'POST', path: '/user/update', args: ['user_id'], fixed: { blocked: false } },
    delete: { summary: 'delete users and their keys', method: 'POST', path: '/user/delete', args: ['user_ids[]'] },
  },
};
