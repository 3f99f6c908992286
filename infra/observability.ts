// The dashboard and alarms over the gateway's EMF metrics (functions/gateway/metrics.ts), the API
// and the functions. Alarms notify the alerts topic.
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  api: RestApi;
  functions: IFunction[];
  namespace: string;
  alarmTopic: ITopic;
}

const PERIOD = Duration.minutes(5);

export class Observability extends Construct {
  readonly errorRate: Alarm;
  readonly latencyP99: Alarm;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // The gateway's own metrics carry model/provider dimensions; these sums span all of them.
    const gatewayMetric = (name: string, statistic: string) =>
      new MathExpression({ expression: `SUM(SEARCH('{${props.namespace},model,provider,service} MetricName="${name}"', '${statistic}', ${PERIOD.toSeconds()}))`, label: name, period: PERIOD });
    const requests = props.api.metricCount({ period: PERIOD, statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({ period: PERIOD, statistic: 'Sum' });
    const latency = props.api.metricLatency({ period: PERIOD, statistic: 'p99' });

    this.errorRate = new Alarm(this, 'ErrorRate', {
      alarmDescription: 'More than 5% of requests failed with a 5xx over 10 minutes',
      metric: new MathExpression({ expression: 'IF(requests > 0, 100 * errors / requests, 0)', usingMetrics: { requests, errors: serverErrors }, period: PERIOD, label: '5xx %' }),
      threshold: 5,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // API Gateway's latency includes the model's generation time; this catches hangs and slow upstreams.
    this.latencyP99 = new Alarm(this, 'LatencyP99', {
      alarmDescription: 'p99 latency above 60 s for 15 minutes',
      metric: latency,
      threshold: 60_000,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.errorRate, this.latencyP99]) alarm.addAlarmAction(new SnsAction(props.alarmTopic));

    new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new GraphWidget({ title: 'Requests and errors (API)', left: [requests, props.api.metricClientError({ period: PERIOD, statistic: 'Sum' }), serverErrors], width: 12 }),
          new GraphWidget({ title: 'Latency p50 / p99 (API, ms)', left: [props.api.metricLatency({ period: PERIOD, statistic: 'p50' }), latency], width: 12 }),
        ],
        [
          new GraphWidget({ title: 'Time to first byte and gateway overhead (ms, avg)', left: [gatewayMetric('TimeToFirstByte', 'Average'), gatewayMetric('GatewayOverhead', 'Average')], width: 12 }),
          new GraphWidget({ title: 'Tokens and cost (USD)', left: [gatewayMetric('InputTokens', 'Sum'), gatewayMetric('OutputTokens', 'Sum')], right: [gatewayMetric('Cost', 'Sum')], width: 12 }),
        ],
        [
          new GraphWidget({
            title: 'Lambda errors and throttles',
            left: props.functions.flatMap((fn) => [fn.metricErrors({ period: PERIOD }), fn.metricThrottles({ period: PERIOD })]),
            width: 12,
          }),
          new GraphWidget({ title: 'Lambda duration p99 (ms)', left: props.functions.map((fn) => fn.metricDuration({ period: PERIOD, statistic: 'p99' })), width: 12 }),
        ],
      ],
    });
  }
}
