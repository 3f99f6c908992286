// Amazon Bedrock Guardrails through ApplyGuardrail (AWS SDK), for text bound to any provider: the
// texts go as one request (INPUT for the request, OUTPUT for the answer). GUARDRAIL_INTERVENED with
// a policy whose action is BLOCKED refuses the call, naming the policies (never what they matched);
// an intervention that only anonymized (PII masked) hands back Bedrock's outputs in place of the
// texts, unless `mask_request_content` / `mask_response_content` is false.
import type { ApplyGuardrailCommandOutput, GuardrailAssessment } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient, bedrockSdk, targetOf } from '../../providers/bedrock/client.ts';
import type { BedrockGuardrailParams } from '../config-schema.ts';
import type { GuardrailEngine, Verdict } from '../engine.ts';

export function bedrockGuardrail(params: BedrockGuardrailParams): GuardrailEngine {
  const target = targetOf(params, params.api_base);
  return {
    remote: true,
    async check({ texts, direction, signal }) {
      const [client, { ApplyGuardrailCommand }] = await Promise.all([bedrockClient(target), bedrockSdk()]);
      const output = await client.send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: params.guardrailIdentifier,
          guardrailVersion: params.guardrailVersion,
          source: direction === 'request' ? 'INPUT' : 'OUTPUT',
          content: texts.map((text) => ({ text: { text } })),
        }),
        { abortSignal: signal },
      );
      const masking = (direction === 'request' ? params.mask_request_content : params.mask_response_content) ?? true;
      return verdictOf(output, texts, masking);
    },
  };
}

function verdictOf(output: ApplyGuardrailCommandOutput, texts: string[], masking: boolean): Verdict {
  if (output.action !== 'GUARDRAIL_INTERVENED') return { action: 'allow' };
  const blocked = (output.assessments ?? []).flatMap(blockedPolicies);
  if (blocked.length || !masking) return { action: 'block', reason: `Bedrock guardrail intervened${blocked.length ? `: ${[...new Set(blocked)].join(', ')}` : ''}` };
  const outputs = (output.outputs ?? []).map((part) => part.text ?? '');
  // One output per text is what lets masked text go back where it came from; anything else is refused, never guessed.
  if (outputs.length !== texts.length) throw new Error(`ApplyGuardrail answered ${outputs.length} outputs for ${texts.length} texts`);
  const detected = (output.assessments ?? []).flatMap(anonymized);
  return { action: 'mask', texts: outputs, detected: [...new Set(detected)] };
}

/** The policies that blocked, by kind and name: topics, content filters, PII types, regexes; word matches are not named (the name is the word). */
function blockedPolicies(assessment: GuardrailAssessment): string[] {
  const blocked = (action: string | undefined) => action === 'BLOCKED';
  return [
    ...(assessment.topicPolicy?.topics ?? []).filter((t) => blocked(t.action)).map((t) => `topic ${t.name}`),
    ...(assessment.contentPolicy?.filters ?? []).filter((f) => blocked(f.action)).map((f) => `content filter ${f.type}`),
    ...(assessment.wordPolicy?.customWords ?? []).filter((w) => blocked(w.action)).map(() => 'custom word'),
    ...(assessment.wordPolicy?.managedWordLists ?? []).filter((w) => blocked(w.action)).map((w) => `managed words ${w.type}`),
    ...(assessment.sensitiveInformationPolicy?.piiEntities ?? []).filter((p) => blocked(p.action)).map((p) => `PII ${p.type}`),
    ...(assessment.sensitiveInformationPolicy?.regexes ?? []).filter((r) => blocked(r.action)).map((r) => `regex ${r.name}`),
    ...(assessment.contextualGroundingPolicy?.filters ?? []).filter((f) => blocked(f.action)).map((f) => `grounding ${f.type}`),
  ];
}

function anonymized(assessment: GuardrailAssessment): string[] {
  return [
    ...(assessment.sensitiveInformationPolicy?.piiEntities ?? []).filter((p) => p.action === 'ANONYMIZED').map((p) => `PII ${p.type}`),
    ...(assessment.sensitiveInformationPolicy?.regexes ?? []).filter((r) => r.action === 'ANONYMIZED').map((r) => `regex ${r.name}`),
  ];
}
