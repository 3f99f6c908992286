// What a model does (LiteLLM's `mode`: chat, embedding, image_generation, ...), from its deployments'
// `model_info.mode` or the price table, and which endpoints serve each mode. A request to an endpoint
// whose kind of call a model group's known modes do not serve is a 400 naming the endpoints they do;
// a group with any deployment of unknown mode is attempted, as LiteLLM does.
import { GatewayError } from '../core/errors.ts';
import type { Pricer } from '../pricing/pricer.ts';
import type { ModelMode } from '../pricing/types.ts';
import type { ModelGroups } from '../router/model-groups.ts';

/** The chat endpoints also serve LiteLLM's `completion` and `responses` models (its bridge does the same). */
export const CHAT_MODES: readonly ModelMode[] = ['chat', 'completion', 'responses'];

const ENDPOINTS: Record<ModelMode, string> = {
  chat: 'POST /v1/chat/completions and /v1/messages',
  completion: 'POST /v1/chat/completions and /v1/messages',
  responses: 'POST /v1/chat/completions and /v1/messages',
  embedding: 'POST /v1/embeddings',
  image_generation: 'POST /v1/images/generations',
  audio_transcription: 'POST /v1/audio/transcriptions and /v1/audio/translations',
  audio_speech: 'POST /v1/audio/speech',
  rerank: 'POST /v1/rerank',
  moderation: 'POST /v1/moderations',
};

export class ModelModes {
  constructor(
    private readonly groups: ModelGroups,
    private readonly pricer: Pricer,
  ) {}

  /** The model group's mode when all its deployments agree and each is known; undefined otherwise. */
  modeOf(model: string): ModelMode | undefined {
    const modes = new Set(this.groups.has(model) ? this.groups.deploymentsOf(model).map((deployment) => this.pricer.modeOf(deployment)) : [undefined]);
    return modes.size === 1 ? [...modes][0] : undefined;
  }

  /** Throws the 400 when every deployment of `model` has a known mode and none is in `served`. */
  check(model: string, served: readonly ModelMode[]): void {
    if (!this.groups.has(model)) return;
    const modes = this.groups.deploymentsOf(model).map((deployment) => this.pricer.modeOf(deployment));
    if (modes.some((mode) => mode === undefined || served.includes(mode))) return;
    const known = [...new Set(modes as ModelMode[])];
    throw new GatewayError(
      'unsupported_mode',
      `Model "${model}" is ${known.map((mode) => `${/^[aeiou]/.test(mode) ? 'an' : 'a'} ${mode}`).join(' and ')} model: it is served on ${[...new Set(known.map((mode) => ENDPOINTS[mode]))].join(', ')}, not here. Call it there, or set model_info.mode in its config entry if its mode is wrong.`,
      { param: 'model' },
    );
  }
}
