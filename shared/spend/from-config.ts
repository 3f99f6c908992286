// The SpendTracker a gateway with a table runs: settings from the config, alert channels from the
// environment (TOLLGATE_ALERT_TOPIC_ARN names the SNS topic; in AWS the stack sets it).
import type { SNSClient } from '@aws-sdk/client-sns';
import type { GatewayConfig } from '../config/types.ts';
import type { Log } from '../core/log.ts';
import { CounterItems } from '../store/counter-items.ts';
import { DailySpend } from '../store/daily-spend.ts';
import { Ledger } from '../store/ledger.ts';
import type { Store } from '../store/store.ts';
import type { AlertChannels, SnsSender } from './alerts.ts';
import { SpendTracker, type ModelCall } from './tracker.ts';

/** What tests (and embedders) may replace: the clock, where alerts go, how often leases are looked at. */
export interface SpendOverrides {
  now?: () => number;
  alerts?: Partial<AlertChannels>;
  leaseCheckMs?: number;
  /**
   * How long the daily rollups' writes gather requests' adds (shared/store/daily-spend.ts): the local
   * server's, whose instance serves request after request; 0 (Lambda, tests) writes each at once.
   */
  rollupGatherMs?: number;
}

/** `worstCase` prices a call's reservation (./worst-case.ts). */
export function spendTracker(
  store: Store,
  config: GatewayConfig,
  log: Log,
  worstCase: (call: ModelCall) => number,
  overrides: SpendOverrides = {},
  env: (name: string) => string | undefined = (name) => process.env[name],
): SpendTracker {
  const topicArn = env('TOLLGATE_ALERT_TOPIC_ARN');
  return new SpendTracker({
    counterItems: new CounterItems(store),
    ledger: new Ledger(store, config.spend.spendLogsRetentionMs),
    dailySpend: new DailySpend(store, overrides.rollupGatherMs),
    load: store.load,
    log,
    alerts: {
      log,
      sns: topicArn ? { client: lazySnsClient(), topicArn } : undefined,
      webhookUrl: config.spend.alertWebhookUrl,
      ...overrides.alerts,
    },
    allowRequestsOnDbUnavailable: config.spend.allowRequestsOnDbUnavailable,
    timeZone: config.spend.timeZone,
    now: overrides.now,
    leaseCheckMs: overrides.leaseCheckMs,
    worstCase,
  });
}

/** The SNS client, built (and its SDK imported) when the first alert is sent; see alerts.ts. */
export function lazySnsClient(): SnsSender {
  let client: Promise<SNSClient> | undefined;
  return {
    async send(command) {
      client ??= import('@aws-sdk/client-sns').then(({ SNSClient }) => new SNSClient({}));
      return (await client).send(command);
    },
  };
}
