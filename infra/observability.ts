// The dashboard and alarms over the gateway's EMF metrics (functions/gateway/metrics.ts, published by the
// Lambda and by the Fargate mode's server alike), the front door (API Gateway, or the ALB) and the compute
// (the functions, or the service). Alarms notify the alerts topic.
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, type IMetric, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { HttpCodeElb, HttpCodeTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { TollgateService } from './fargate-service.ts';

/** The front door's metrics (latency in ms, as API Gateway reports it) and the compute's graphs. */
export interface FrontAndCompute {
  front: string;
  requests: IMetric;
  clientErrors: IMetric;
  serverErrors: IMetric;
  latency(statistic: 'p50' | 'p99'): IMetric;
  compute: GraphWidget[];
}

export interface ObservabilityProps extends FrontAndCompute {
  namespace: string;
  alarmTopic: ITopic;
}

const PERIOD = Duration.minutes(5);

/** Lambda mode: the REST API in front, the functions behind it. */
export function apiMetrics(api: RestApi, functions: IFunction[]): FrontAndCompute {
  return {
    front: 'API',
    requests: api.metricCount({ period: PERIOD, statistic: 'Sum' }),
    clientErrors: api.metricClientError({ period: PERIOD, statistic: 'Sum' }),
    serverErrors: api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
    latency: (statistic) => api.metricLatency({ period: PERIOD, statistic }),
    compute: [
      new GraphWidget({ title: 'Lambda errors and throttles', left: functions.flatMap((fn) => [fn.metricErrors({ period: PERIOD }), fn.metricThrottles({ period: PERIOD })]), width: 12 }),
      new GraphWidget({ title: 'Lambda duration p99 (ms)', left: functions.map((fn) => fn.metricDuration({ period: PERIOD, statistic: 'p99' })), width: 12 }),
    ],
  };
}

/** Fargate mode: the ALB in front (its 5xx and the targets'), the service's tasks behind it. */
export function loadBalancerMetrics(service: TollgateService): FrontAndCompute {
  const alb = service.loadBalancer.metrics;
  const sum = { period: PERIOD, statistic: 'Sum' };
  return {
    front: 'ALB',
    requests: alb.requestCount(sum),
    clientErrors: alb.httpCodeTarget(HttpCodeTarget.TARGET_4XX_COUNT, sum),
    serverErrors: new MathExpression({
      expression: 'FILL(target, 0) + FILL(elb, 0)',
      usingMetrics: { target: alb.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, sum), elb: alb.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, sum) },
      period: PERIOD,
      label: '5xx',
    }),
    // The ALB reports seconds; the alarm and the dashboard speak milliseconds.
    latency: (statistic) =>
      new MathExpression({
        expression: `1000 * ${statistic}seconds`,
        usingMetrics: { [`${statistic}seconds`]: alb.targetResponseTime({ period: PERIOD, statistic }) },
        period: PERIOD,
        label: `latency ${statistic} (ms)`,
      }),
    compute: [
      new GraphWidget({ title: 'Tasks: CPU and memory (%)', left: [service.service.metricCpuUtilization({ period: PERIOD }), service.service.metricMemoryUtilization({ period: PERIOD })], width: 12 }),
      new GraphWidget({
        title: 'Healthy and unhealthy tasks',
        left: [service.targetGroup.metrics.healthyHostCount({ period: PERIOD }), service.targetGroup.metrics.unhealthyHostCount({ period: PERIOD })],
        width: 12,
      }),
    ],
  };
}

export class Observability extends Construct {
  readonly errorRate: Alarm;
  readonly latencyP99: Alarm;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // The gateway's own metrics carry model/provider dimensions; these sums span all of them.
    const gatewayMetric = (name: string, statistic: string) =>
      new MathExpression({ expression: `SUM(SEARCH('{${props.namespace},model,provider,service} MetricName="${name}"', '${statistic}', ${PERIOD.toSeconds()}))`, label: name, period: PERIOD });
    const { requests, serverErrors } = props;
    const latency = props.latency('p99');

    this.errorRate = new Alarm(this, 'ErrorRate', {
      alarmDescription: 'More than 5% of requests failed with a 5xx over 10 minutes',
      metric: new MathExpression({ expression: 'IF(requests > 0, 100 * errors / requests, 0)', usingMetrics: { requests, errors: serverErrors }, period: PERIOD, label: '5xx %' }),
      threshold: 5,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // The front door's latency includes the model's generation time; this catches hangs and slow upstreams.
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
          new GraphWidget({ title: `Requests and errors (${props.front})`, left: [requests, props.clientErrors, serverErrors], width: 12 }),
          new GraphWidget({ title: `Latency p50 / p99 (${props.front}, ms)`, left: [props.latency('p50'), latency], width: 12 }),
        ],
        [
          new GraphWidget({ title: 'Time to first byte and gateway overhead (ms, avg)', left: [gatewayMetric('TimeToFirstByte', 'Average'), gatewayMetric('GatewayOverhead', 'Average')], width: 12 }),
          new GraphWidget({ title: 'Tokens and cost (USD)', left: [gatewayMetric('InputTokens', 'Sum'), gatewayMetric('OutputTokens', 'Sum')], right: [gatewayMetric('Cost', 'Sum')], width: 12 }),
        ],
        props.compute,
      ],
    });
  }
}
