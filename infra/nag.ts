// cdk-nag AwsSolutions findings that are the design, each with its reason. Anything not listed here
// fails synthesis.
import { Validations } from 'aws-cdk-lib';
import type { TollgateService } from './fargate-service.ts';
import type { TollgateStack } from './tollgate-stack.ts';

const MANAGED = (policy: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`;

export const NAG_ACKNOWLEDGEMENTS: Array<{ id: string; reason: string }> = [
  {
    id: 'AwsSolutions-APIG4',
    reason: 'Callers authenticate with gateway keys (master or virtual, LiteLLM-compatible) checked inside the Lambda, as OpenAI clients send them; an API Gateway authorizer cannot check them.',
  },
  { id: 'AwsSolutions-COG4', reason: 'Same as APIG4: OpenAI-compatible clients send bearer API keys, not Cognito tokens.' },
  { id: 'AwsSolutions-APIG2', reason: 'Requests are validated in the gateway, which answers with OpenAI-format 400s naming the field; an API Gateway validator would answer in another shape.' },
  { id: 'AwsSolutions-APIG3', reason: 'A WAF web ACL is optional and billed separately; the stage is throttled. Attach one for public internet exposure.' },
  {
    id: 'AwsSolutions-SMG4',
    reason: 'The secret holds provider API keys, which only the providers can rotate; the gateway picks up a new value within its cache TTL. The generated master key is rotated by regenerating it.',
  },
  // The request-log bucket and its delivery stream (infra/request-logs.ts), made for the `s3` callback.
  { id: 'AwsSolutions-S1', reason: 'The request-log bucket is written only by its Firehose delivery stream; access to it is audited with CloudTrail data events rather than a second logging bucket.' },
  ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
    id: `AwsSolutions-IAM5[Action::${action}]`,
    reason: "CDK's grant to the Firehose delivery stream's role on its destination bucket, which holds nothing but the request logs it writes.",
  })),
  {
    id: 'AwsSolutions-IAM5[Resource::<RequestLogsBucket5E7DF68C.Arn>/*]',
    reason: 'The Firehose delivery stream writes objects of its own naming (day prefixes) anywhere in the request-log bucket, which holds nothing else.',
  },
  { id: MANAGED('AWSLambdaBasicExecutionRole'), reason: 'The managed policy only lets the functions write their CloudWatch logs.' },
  { id: MANAGED('AmazonAPIGatewayPushToCloudWatchLogs'), reason: 'The account-level role API Gateway needs to write execution and access logs.' },
];

export function acknowledgeNagFindings(stack: TollgateStack): void {
  for (const acknowledgement of NAG_ACKNOWLEDGEMENTS) Validations.of(stack).acknowledge(acknowledgement);
  if (stack.service) acknowledgeFargateFindings(stack.service);
  // A cross-region inference profile may serve its model from any of its regions: the one wildcard left.
  for (const arn of stack.bedrockArns.filter((a) => a.includes(':bedrock:*:'))) {
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arn.replaceAll('${AWS::Partition}', '<AWS::Partition>')}]`,
      reason: 'A cross-region inference profile routes to this model in any region of its geography; the model itself is exact.',
    });
  }
}

/** The Fargate mode's findings that are the design, each on the one construct it concerns. */
function acknowledgeFargateFindings(service: TollgateService): void {
  Validations.of(service.service.taskDefinition).acknowledge({
    id: 'AwsSolutions-ECS2',
    reason:
      "The container's environment holds names only (the table, the secret's ARN, the topic's ARN, the metrics namespace); the secret's values are read from Secrets Manager by the server at start and never enter the task definition.",
  });
  Validations.of(service.service.taskDefinition.obtainExecutionRole()).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: "ecr:GetAuthorizationToken, which CDK grants the execution role to pull the image asset, takes no resource; the pull itself is scoped to the asset's repository.",
  });
  Validations.of(service.albSecurityGroup).acknowledge({
    id: 'AwsSolutions-EC23',
    reason: 'The load balancer is the public API endpoint that OpenAI clients anywhere call, as API Gateway is in the Lambda mode; the tasks accept connections from it alone.',
  });
}
