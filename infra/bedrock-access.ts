// Least privilege for Bedrock: the gateway may invoke exactly the models its config names, no others.
// Cross-region inference profiles (`us.anthropic...`) route to the model in any of their regions, so
// for those the foundation model is allowed in every region, and the profile itself in this account.
export interface BedrockModel {
  modelId: string;
  region?: string;
}

/** The `bedrock/` deployments of a parsed config. */
export function bedrockModels(document: unknown): BedrockModel[] {
  const config = document as { model_list?: Array<{ litellm_params?: Record<string, unknown> }> } | null;
  return (config?.model_list ?? []).flatMap((entry) => {
    const model = entry.litellm_params?.['model'];
    if (typeof model !== 'string' || !model.startsWith('bedrock/')) return [];
    const modelId = model.slice('bedrock/'.length).replace(/^(converse|invoke)\//, '');
    const region = entry.litellm_params?.['aws_region_name'];
    return [{ modelId, region: typeof region === 'string' && !region.startsWith('os.environ/') ? region : undefined }];
  });
}

const PROFILE_PREFIX = /^(us|eu|apac|us-gov|global)\./;

/** IAM resource ARNs (with CloudFormation pseudo-parameters left as `${AWS::...}`) for those models. */
export function bedrockResourceArns(models: BedrockModel[]): string[] {
  const arns = new Set<string>();
  for (const { modelId, region } of models) {
    if (modelId.startsWith('arn:')) {
      arns.add(modelId);
      continue;
    }
    const at = region ?? '${AWS::Region}';
    if (PROFILE_PREFIX.test(modelId)) {
      arns.add(`arn:\${AWS::Partition}:bedrock:${at}:\${AWS::AccountId}:inference-profile/${modelId}`);
      arns.add(`arn:\${AWS::Partition}:bedrock:*::foundation-model/${modelId.replace(PROFILE_PREFIX, '')}`);
    } else {
      arns.add(`arn:\${AWS::Partition}:bedrock:${at}::foundation-model/${modelId}`);
    }
  }
  return [...arns].sort();
}
