// Budget periods are calendar-aligned as LiteLLM resets budgets, in UTC unless
// `litellm_settings.timezone` names another zone, and computed from the clock alone.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/yaml.ts';
import { ConfigError } from '../../shared/config/types.ts';
import { BudgetCalendar, holdWindow, HOLD_WINDOW_MS, NO_PERIOD } from '../../shared/spend/periods.ts';

const at = (iso: string) => Date.parse(iso);

describe('budget periods', () => {
  it.each([
    ['1d', '2026-11-25T23:59:59.999Z', '2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z'],
    ['daily', '2026-11-26T00:00:00.000Z', '2026-11-26T00:00:00.000Z', '2026-11-27T00:00:00.000Z'],
    // 2026-11-25 is a Wednesday: the week began on Monday the 23rd.
    ['7d', '2026-11-25T12:00:00.000Z', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['weekly', '2026-11-23T00:00:00.000Z', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['30d', '2026-11-25T12:00:00.000Z', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['1mo', '2026-12-31T23:00:00.000Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['3mo', '2026-11-25T12:00:00.000Z', '2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['1h', '2026-11-25T12:34:56.000Z', '2026-11-25T12:00:00.000Z', '2026-11-25T13:00:00.000Z'],
    ['30m', '2026-11-25T12:34:56.000Z', '2026-11-25T12:30:00.000Z', '2026-11-25T13:00:00.000Z'],
    ['30s', '2026-11-25T12:34:56.000Z', '2026-11-25T12:34:30.000Z', '2026-11-25T12:35:00.000Z'],
  ])('%s at %s runs from %s to %s (UTC)', (duration, now, start, resetAt) => {
    expect(new BudgetCalendar().period(duration, at(now))).toEqual({ start, resetAt });
  });

  it.each([
    // 22:00 on the 24th in New York (UTC-5): that local day.
    ['America/New_York', '1d', '2026-11-25T03:00:00.000Z', '2026-11-24T05:00:00.000Z', '2026-11-25T05:00:00.000Z'],
    // The day clocks spring forward is 23 hours long.
    ['America/New_York', '1d', '2026-03-08T12:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
    // 00:30 on 1 December in Berlin (UTC+1) is already December there.
    ['Europe/Berlin', '1mo', '2026-11-30T23:30:00.000Z', '2026-11-30T23:00:00.000Z', '2026-12-31T23:00:00.000Z'],
  ])('in %s, %s at %s runs from %s to %s', (zone, duration, now, start, resetAt) => {
    expect(new BudgetCalendar(zone).period(duration, at(now))).toEqual({ start, resetAt });
  });

  it('is one period forever without a duration', () => {
    expect(new BudgetCalendar().period(null, Date.now())).toEqual({ start: NO_PERIOD, resetAt: null });
  });

  it('refuses a time zone it does not know, at start', () => {
    const load = (zone: string) =>
      loadConfig(
        `model_list: []\nlitellm_settings: { timezone: ${zone} }\n`,
        'test.yaml',
        () => undefined,
        () => undefined,
      );
    expect(load('Europe/Paris').spend.timeZone).toBe('Europe/Paris');
    expect(() => load('Mars/Olympus_Mons')).toThrow(ConfigError);
  });

  it('writes holds off after two windows at the latest, never within one', () => {
    const start = 1_000 * HOLD_WINDOW_MS;
    expect(holdWindow(start + HOLD_WINDOW_MS - 1)).toBe(holdWindow(start));
    expect(holdWindow(start + 2 * HOLD_WINDOW_MS)).toBe(holdWindow(start) + 2);
  });
});
