// `litellm_settings.default_internal_user_params`, checked by /user/new's schema when the gateway is
// built: the fields a new user gets, its teams by id or with a role and budget, and a bad value stopping
// the start with the setting and field named. (Applied on first sign-in: test/browser/sso.test.ts.)
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/types.ts';
import { newUserDefaults } from '../../shared/ui/new-user-defaults.ts';
import { testConfig } from '../helpers/gateway.ts';

const withDefaults = (params: string) =>
  testConfig(`
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
litellm_settings:
  default_internal_user_params: ${params}
`);

describe('default_internal_user_params', () => {
  it("reads /user/new's fields and the teams to join", () => {
    const defaults = newUserDefaults(
      withDefaults('{ user_role: internal_user_viewer, max_budget: 10, budget_duration: 1mo, models: [mock], tpm_limit: null, teams: [a, { team_id: b, user_role: admin, max_budget_in_team: 2 }] }'),
    );
    expect(defaults.user).toEqual({ user_role: 'internal_user_viewer', max_budget: 10, budget_duration: '1mo', models: ['mock'] });
    expect(defaults.teams).toEqual([
      { team_id: 'a', role: 'user', maxBudgetInTeam: undefined },
      { team_id: 'b', role: 'admin', maxBudgetInTeam: 2 },
    ]);
  });

  it('is nothing when unset', () => {
    expect(newUserDefaults(testConfig('model_list: []'))).toEqual({ user: {}, teams: [] });
  });

  it('refuses a value /user/new refuses, naming the setting and the field', () => {
    for (const [params, named] of <Array<[string, string]>>[
      ['{ max_budget: lots }', 'litellm_settings.default_internal_user_params.max_budget'],
      ['{ user_role: superuser }', 'litellm_settings.default_internal_user_params.user_role'],
      ['{ budget_duration: fortnight }', 'litellm_settings.default_internal_user_params.budget_duration'],
      ['{ user_id: fixed }', 'litellm_settings.default_internal_user_params'],
      ['{ teams: [{ team_id: a, user_role: owner }] }', 'litellm_settings.default_internal_user_params.teams[0]'],
    ]) {
      expect(() => newUserDefaults(withDefaults(params)), params).toThrow(ConfigError);
      expect(() => newUserDefaults(withDefaults(params)), params).toThrow(named);
    }
  });
});
