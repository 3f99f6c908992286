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

/**
 * The Bedrock guardrails a config names (`guardrails:` entries with `guardrail: bedrock`, top level or
 * under `litellm_settings`), as the IAM resource ARNs ApplyGuardrail is allowed on: an id becomes the
 * guardrail's ARN in its region (`aws_region_name`, else the stack's); an ARN stays as it is.
 */
export function bedrockGuardrailArns(document: unknown): string[] {
  type Entry = { litellm_params?: Record<string, unknown> };
  const config = document as { guardrails?: Entry[]; litellm_settings?: { guardrails?: Entry[] } } | null;
  const entries = [...(config?.guardrails ?? []), ...(config?.litellm_settings?.guardrails ?? [])];
  const arns = entries.flatMap(({ litellm_params: params }) => {
    const id = params?.['guardrailIdentifier'];
    if (params?.['guardrail'] !== 'bedrock' || typeof id !== 'string') return [];
    if (id.startsWith('arn:')) return [id];
    const region = params['aws_region_name'];
    const at = typeof region === 'string' && !region.startsWith('os.environ/') ? region : '${AWS::Region}';
    return [`arn:\${AWS::Partition}:bedrock:${at}:\${AWS::AccountId}:guardrail/${id}`];
  });
  return [...new Set(arns)].sort();
}
