// Where the `s3` callback's request logs go on AWS: an Amazon Data Firehose delivery stream that the
// gateway puts one record per request on (batched), writing newline-delimited JSON to a bucket of the
// stack's own, under `<s3_path>/<YYYY-MM-DD>/`. Made only when the config lists the `s3` callback.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { DeliveryStream, S3Bucket, StreamEncryption } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface RequestLogsProps {
  /** `s3_callback_params.s3_path`: the key prefix. */
  path: string;
  /** Keep the bucket (and its logs) when the stack is deleted. */
  retain: boolean;
  /** The functions that put records. */
  writers: IGrantable[];
}

export class RequestLogs extends Construct {
  readonly bucket: Bucket;
  readonly deliveryStream: DeliveryStream;

  constructor(scope: Construct, id: string, props: RequestLogsProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    const prefix = props.path ? `${props.path}/` : '';
    this.deliveryStream = new DeliveryStream(this, 'Stream', {
      encryption: StreamEncryption.awsOwnedKey(),
      destination: new S3Bucket(this.bucket, {
        dataOutputPrefix: `${prefix}!{timestamp:yyyy-MM-dd}/`,
        errorOutputPrefix: `${prefix}errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        bufferingInterval: Duration.seconds(60),
      }),
    });
    for (const writer of props.writers) this.deliveryStream.grantPutRecords(writer);
  }
}
