// Budget alerts: which thresholds a settlement crossed, and where the message goes. A crossing is
// read off the conditional write that recorded the spend (its counters before and after), so each
// threshold fires once per budget period however many instances settle at once; 100% is claimed
// with its own conditional write (meter-plan.ts' counters never pass the budget, they stop at it).
import type { PublishCommand } from '@aws-sdk/client-sns';
import type { Log } from '../core/log.ts';
import type { Account, Meter } from './accounts.ts';
import { shownUsd, usd } from '../pricing/usd.ts';

export type Threshold = 'soft_budget' | '50%' | '80%' | '100%';

/** LiteLLM's webhook fields, plus Slack's `text` so a Slack incoming webhook shows it as is. */
export interface BudgetAlert {
  text: string;
  event: 'soft_budget_crossed' | 'threshold_crossed' | 'budget_crossed';
  event_group: 'key' | 'team' | 'internal_user' | 'customer' | 'organization' | 'tag';
  event_message: string;
  threshold: Threshold;
  spend: number;
  max_budget: number | null;
  soft_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  /** Key hash (never the raw key), alias, and the owners. */
  token: string | null;
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  customer_id: string | null;
  /** The organization charged (its own alert, or the key's), and the tag whose budget it is. */
  organization_id: string | null;
  tag: string | null;
}

/** Thresholds below 100% that spend moved across, from `before` (exclusive) to `after` (inclusive). */
export function crossedThresholds(meter: Meter, before: number, after: number): Threshold[] {
  const { softBudget, maxBudget } = meter.limits;
  const levels: Array<[Threshold, number | undefined]> = [
    ['soft_budget', softBudget],
    ['50%', maxBudget === undefined ? undefined : maxBudget * 0.5],
    ['80%', maxBudget === undefined ? undefined : maxBudget * 0.8],
  ];
  // In whole nano-dollars, as DynamoDB summed them: float noise must not cross a level twice.
  const [from, to] = [usd(before), usd(after)];
  return levels.filter(([, level]) => level !== undefined && level > 0 && from < usd(level) && to >= usd(level)).map(([name]) => name);
}

const GROUPS = { key: 'key', team: 'team', user: 'internal_user', end_user: 'customer', organization: 'organization', tag: 'tag' } as const;

export function budgetAlert(
  account: Account,
  meter: Meter,
  threshold: Threshold,
  spend: number,
  resetAt: string | null,
  owners: { keyAlias: string | null; userId: string | null; teamId: string | null; organizationId: string | null },
): BudgetAlert {
  const { maxBudget, softBudget, budgetDuration } = meter.limits;
  const event = threshold === 'soft_budget' ? 'soft_budget_crossed' : threshold === '100%' ? 'budget_crossed' : 'threshold_crossed';
  const of =
    threshold === 'soft_budget'
      ? `its soft budget of $${softBudget}`
      : threshold === '100%'
        ? `its budget of $${maxBudget}: requests that do not fit what is left are refused`
        : `${threshold} of its budget of $${maxBudget}`;
  const message = `Budget alert: ${meter.label} has spent $${shownUsd(spend)}, reaching ${of}${budgetDuration ? ` for the ${budgetDuration} period ending ${resetAt}` : ''}.`;
  return {
    text: message,
    event,
    event_group: GROUPS[account.kind],
    event_message: message,
    threshold,
    spend: shownUsd(spend),
    max_budget: maxBudget ?? null,
    soft_budget: softBudget ?? null,
    budget_duration: budgetDuration ?? null,
    budget_reset_at: resetAt,
    token: account.kind === 'key' ? account.id : null,
    key_alias: account.kind === 'key' ? owners.keyAlias : null,
    user_id: account.kind === 'user' ? account.id : owners.userId,
    team_id: account.kind === 'team' ? account.id : owners.teamId,
    customer_id: account.kind === 'end_user' ? account.id : null,
    organization_id: account.kind === 'organization' ? account.id : owners.organizationId,
    tag: account.kind === 'tag' ? account.id : null,
  };
}

/** What alerts need of an SNS client (an SNSClient is one): from-config.ts builds its client on the first alert. */
export interface SnsSender {
  send(command: PublishCommand): Promise<unknown>;
}

export interface AlertChannels {
  log: Log;
  /** SNS in AWS: TOLLGATE_ALERT_TOPIC_ARN. */
  sns?: { client: SnsSender; topicArn: string };
  /** `general_settings.alert_webhook_url`: Slack-compatible JSON is POSTed there. */
  webhookUrl?: string;
}

const WEBHOOK_TIMEOUT_MS = 5000;

/** Sends an alert to every channel; failures are logged, never thrown (alerts never fail a request). */
export async function publishAlert(channels: AlertChannels, alert: BudgetAlert): Promise<void> {
  channels.log.warn(alert.text, { event: alert.event, threshold: alert.threshold, event_group: alert.event_group });
  const sends: Array<Promise<unknown>> = [];
  if (channels.sns) sends.push(publishToSns(channels.sns, alert));
  if (channels.webhookUrl) {
    // Node's own fetch: rare, off the request path, and nothing more to bundle.
    sends.push(
      fetch(channels.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alert), signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) }).then(
        async (response) => {
          await response.arrayBuffer();
          if (response.status >= 300) throw new Error(`webhook answered ${response.status}`);
        },
      ),
    );
  }
  for (const result of await Promise.allSettled(sends)) {
    if (result.status === 'rejected') channels.log.error('budget alert could not be delivered', { event: alert.event, error: String(result.reason) });
  }
}

async function publishToSns(sns: NonNullable<AlertChannels['sns']>, alert: BudgetAlert): Promise<unknown> {
  // Imported on the first alert, not at load: most instances never send one, and importing the SNS
  // SDK would add 15–30 ms to every cold start.
  const { PublishCommand } = await import('@aws-sdk/client-sns');
  return sns.client.send(new PublishCommand({ TopicArn: sns.topicArn, Subject: `Tollgate budget alert: ${alert.event_group} ${alert.threshold}`, Message: JSON.stringify(alert) }));
}
