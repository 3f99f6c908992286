// One region's entry for the deployment's name in Route 53 (several regions, infra/stacks.ts): an alias
// to this region's front door (the API's custom domain, or the ALB) with a health check on its
// /health/readiness, routed by latency (each client to its nearest healthy region) or by failover (the
// home region while it is healthy, else the other). The hosted zone is given, never looked up.
import { Duration, Stack } from 'aws-cdk-lib';
import { ARecord, Failover, HealthCheck, HealthCheckType, HostedZone, type IAliasRecordTarget, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { MultiRegionSettings } from './settings.ts';

export interface RegionalRecordProps {
  settings: MultiRegionSettings;
  domainName: string;
  /** The home region is the failover primary. */
  home: boolean;
  target: IAliasRecordTarget;
  /** What Route 53 probes, over HTTPS: this region's own endpoint, not the shared name. */
  health: { host: string; path: string };
}

export class RegionalRecord extends Construct {
  readonly healthCheck: HealthCheck;
  readonly record: ARecord;

  constructor(scope: Construct, id: string, props: RegionalRecordProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.settings.hostedZoneId, zoneName: props.settings.zoneName });
    this.healthCheck = new HealthCheck(this, 'Health', {
      type: HealthCheckType.HTTPS,
      fqdn: props.health.host,
      resourcePath: props.health.path,
      requestInterval: Duration.seconds(30),
      failureThreshold: 3,
    });
    const latency = props.settings.routing === 'latency';
    this.record = new ARecord(this, 'Record', {
      zone,
      recordName: props.domainName,
      // Route 53 asks failover aliases to weigh their target's health too, besides the health check.
      target: RecordTarget.fromAlias({ bind: (record, hostedZone) => ({ ...props.target.bind(record, hostedZone), evaluateTargetHealth: true }) }),
      setIdentifier: region,
      healthCheck: this.healthCheck,
      ...(latency ? { region } : { failover: props.home ? Failover.PRIMARY : Failover.SECONDARY }),
    });
  }
}
