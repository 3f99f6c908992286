// The semantic cache's Amazon S3 Vectors index (README "Semantic cache"): one vector bucket and one
// cosine index of the embedding model's dimensions, made when the config's cache is semantic and the
// deployment says those dimensions (`-c semanticCacheDimensions=1536`); the functions find it by
// TOLLGATE_VECTOR_BUCKET and TOLLGATE_VECTOR_INDEX (shared/store/s3-vector-entries.ts). The request
// path queries and writes vectors, the admin routes (/cache/delete, /cache/flushall) list and delete
// them: each only on this index. The vectors are a cache, rebuilt by use: nothing is retained.
import { Fn } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnIndex, CfnVectorBucket } from 'aws-cdk-lib/aws-s3vectors';
import { Construct } from 'constructs';

export const VECTOR_INDEX_NAME = 'semantic-cache';

export class SemanticVectors extends Construct {
  readonly bucket: CfnVectorBucket;
  readonly index: CfnIndex;
  /** What the functions read to use it. */
  readonly environment: Record<string, string>;
  /** The request path: QueryVectors (with a metadata filter, which needs GetVectors too) and PutVectors. */
  readonly requestPath: PolicyStatement;
  /** The admin routes: ListVectors with metadata (GetVectors too) and DeleteVectors. */
  readonly admin: PolicyStatement;

  constructor(scope: Construct, id: string, props: { dimension: number }) {
    super(scope, id);
    // Encrypted with S3-managed keys, S3 Vectors' default.
    this.bucket = new CfnVectorBucket(this, 'Bucket', { encryptionConfiguration: { sseType: 'AES256' } });
    this.index = new CfnIndex(this, 'Index', {
      vectorBucketArn: this.bucket.attrVectorBucketArn,
      indexName: VECTOR_INDEX_NAME,
      dataType: 'float32',
      dimension: props.dimension,
      distanceMetric: 'cosine',
    });
    // The bucket's ARN ends in `bucket/<name>`: the API takes the name.
    this.environment = { TOLLGATE_VECTOR_BUCKET: Fn.select(1, Fn.split('/', this.bucket.attrVectorBucketArn)), TOLLGATE_VECTOR_INDEX: VECTOR_INDEX_NAME };
    this.requestPath = new PolicyStatement({ actions: ['s3vectors:QueryVectors', 's3vectors:GetVectors', 's3vectors:PutVectors'], resources: [this.index.attrIndexArn] });
    this.admin = new PolicyStatement({ actions: ['s3vectors:ListVectors', 's3vectors:GetVectors', 's3vectors:DeleteVectors'], resources: [this.index.attrIndexArn] });
  }
}
