// How embeddings are cached: per input, so that a batch whose inputs were mostly embedded before calls
// the upstream for the others only, and answers every input in order. A part's key holds its input and
// everything else that changes its vector (model group, encoding_format, dimensions), never `user`.
import type { EmbeddingRequest, EmbeddingResponse } from '../openai/types.ts';
import type { CachedAnswers } from './cached-answers.ts';
import { answerDependencies } from './cache-key.ts';

type Input = EmbeddingRequest['input'];

export const embeddingAnswers: CachedAnswers<EmbeddingRequest, EmbeddingResponse> = {
  parts(body) {
    const { input: _input, ...rest } = answerDependencies(body);
    return inputsOf(body.input).map((input) => ({ ...rest, input }));
  },
  narrow: (body, missing) => ({ ...body, input: missing.map((index) => inputsOf(body.input)[index]) as Input }),
  keep(response, complete) {
    complete(inOrder(response).map((item) => item.embedding));
    return response;
  },
  replay(values, body, fresh) {
    const computed = fresh ? inOrder(fresh.committed) : [];
    const data = inputsOf(body.input).map((_, index) => {
      const at = fresh ? fresh.missing.indexOf(index) : -1;
      return { object: 'embedding' as const, index, embedding: (at < 0 ? values[index] : computed[at]!.embedding) as number[] | string };
    });
    // A hit embedded nothing: it used no tokens. A partial hit used those of the inputs sent.
    return { object: 'list', data, model: fresh?.committed.model ?? body.model, usage: fresh?.committed.usage ?? { prompt_tokens: 0, total_tokens: 0 } };
  },
};

/** The inputs of a request, each cached apart: a string or a token-id array is one input. */
function inputsOf(input: Input): Array<string | number[]> {
  if (typeof input === 'string') return [input];
  return typeof input[0] === 'number' ? [input as number[]] : (input as Array<string | number[]>);
}

function inOrder(response: EmbeddingResponse): EmbeddingResponse['data'] {
  return [...response.data].sort((a, b) => a.index - b.index);
}
