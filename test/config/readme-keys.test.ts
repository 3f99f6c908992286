// The README's table of the LiteLLM config keys Tollgate acts on says exactly what the loader acts on
// (SUPPORTED_KEYS): what a migrating team reads there is what `config check` and the start's warning go by.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SUPPORTED_KEYS } from '../../shared/config/schema.ts';

const SECTIONS: Record<keyof typeof SUPPORTED_KEYS, string> = {
  top: 'the top level',
  entry: '`model_list[]`',
  litellm_params: '`model_list[].litellm_params`',
  general_settings: '`general_settings`',
  router_settings: '`router_settings`',
  routing_strategy_args: '`router_settings.routing_strategy_args`',
  retry_policy: '`router_settings.retry_policy`',
  allowed_fails_policy: '`router_settings.allowed_fails_policy`',
  litellm_settings: '`litellm_settings`',
};

it('lists in the README exactly the config keys the loader acts on', () => {
  const rows = readFileSync('README.md', 'utf8').split('\n');
  for (const [section, keys] of Object.entries(SUPPORTED_KEYS)) {
    const title = SECTIONS[section as keyof typeof SUPPORTED_KEYS];
    const row = rows.find((line) => line.startsWith(`| ${title} `));
    expect(row, `README.md's table of config keys needs a row for ${title}`).toBeDefined();
    const listed = [...row!.split('|')[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    expect(listed.sort(), `README.md's row for ${title}`).toEqual([...keys].sort());
  }
});
