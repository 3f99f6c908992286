// The Claude Code CLI (the release pinned in test/clients/package.json), run non-interactively against
// the gateway on Anthropic-, OpenAI- and Bedrock-backed models: a plain prompt, and a tool round trip
// in which the CLI reads a file the test wrote and sends its content back to the model; and on Vertex AI.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runClaudeCode, type ClaudeResult } from './support/claude-code.ts';
import { startEgressTrap, type EgressTrap } from './support/egress-trap.ts';
import { workspace } from './support/workspace.ts';
import { ANTHROPIC_ALIAS, MASTER_KEY, MODELS, OPENAI_REASONING_MODEL, startStack, type Backend, type ClientStack } from './support/stack.ts';

interface Case {
  backend: Backend;
  model: string;
  title: string;
}
const CASES: Case[] = [
  { backend: 'anthropic', model: MODELS.anthropic.main, title: `an Anthropic model under its own name (${MODELS.anthropic.main})` },
  { backend: 'anthropic', model: ANTHROPIC_ALIAS, title: `an Anthropic model under a gateway name (${ANTHROPIC_ALIAS})` },
  { backend: 'openai', model: MODELS.openai.main, title: `an OpenAI model (${MODELS.openai.main})` },
  { backend: 'openai', model: OPENAI_REASONING_MODEL, title: `an OpenAI reasoning model (${OPENAI_REASONING_MODEL})` },
  { backend: 'bedrock', model: MODELS.bedrock.main, title: `a Bedrock model (${MODELS.bedrock.main})` },
];

let stack: ClientStack;
let trap: EgressTrap;
let scratch: string;

beforeAll(async () => {
  stack = await startStack();
  trap = await startEgressTrap();
  scratch = mkdtempSync(join(tmpdir(), 'tollgate-claude-code-'));
});
afterAll(async () => {
  await stack.close();
  await trap.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => stack.reset());

async function claude({ backend, model }: Case, prompt: string, where = workspace(scratch)): Promise<ClaudeResult> {
  const { result } = await runClaudeCode({
    gatewayUrl: stack.gateway.url,
    key: MASTER_KEY,
    model,
    smallModel: MODELS[backend].small,
    ...where,
    egressProxy: trap.url,
    prompt,
  });
  return result;
}

/** The run succeeded, every request it made was answered with a 2xx, and it reached nothing else. */
async function expectCleanRun(result: ClaudeResult, { model }: Case): Promise<void> {
  const answered = await stack.answered();
  const refused = answered.filter((line) => line.status >= 400);
  expect(refused, `requests the gateway refused; the CLI said: ${result.result}`).toEqual([]);
  expect(result).toMatchObject({ type: 'result', subtype: 'success', is_error: false });
  expect(answered.some((line) => line.path === '/v1/messages' && line.model === model)).toBe(true);
  expect(trap.attempts).toEqual([]);
}

describe.each(CASES)('Claude Code on $title', (testCase) => {
  const { backend } = testCase;
  it('answers a prompt', async () => {
    const word = `pong-${randomUUID()}`;
    const result = await claude(testCase, `Reply with the word I give you. [[say ${word}]]`);
    await expectCleanRun(result, testCase);
    expect(result.result).toBe(word);
    expect(result.num_turns).toBe(1);
  });

  it('runs the Read tool and sends the file back to the model', async () => {
    const where = workspace(scratch);
    const secret = `code-word-${randomUUID()}`;
    const file = join(where.cwd, 'notes.txt');
    writeFileSync(file, `The code word is ${secret}.\n`);
    const result = await claude(testCase, `What is the code word in notes.txt? [[call Read ${JSON.stringify({ file_path: file })}]]`, where);
    await expectCleanRun(result, testCase);
    // The prompt names only the file: the code word reached the model because the CLI read it and
    // sent the result, and reached the user because the model's next answer quoted it.
    expect(stack.upstreamBodies(backend).filter((body) => JSON.stringify(body).includes(secret))).toHaveLength(1);
    expect(result.result).toMatch(new RegExp(`^tool said: .*The code word is ${secret}\\.`));
    expect(result.num_turns).toBe(2);
  });
});

// Claude Code on Vertex AI (CLAUDE_CODE_USE_VERTEX) with the gateway as its Vertex endpoint, as LiteLLM's
// docs set it up: it calls Vertex's `:rawPredict`/`:streamRawPredict` paths for Claude, which the gateway
// serves as /v1/messages calls, with the gateway key in x-litellm-api-key and Vertex auth skipped.
it('answers a prompt on Vertex AI through /vertex_ai, with the gateway key in x-litellm-api-key', async () => {
  const word = `pong-${randomUUID()}`;
  const { result } = await runClaudeCode({
    gatewayUrl: stack.gateway.url,
    // In Vertex mode the CLI sends no Anthropic key: only the custom header below.
    key: 'unused',
    model: MODELS.anthropic.main,
    smallModel: MODELS.anthropic.small,
    ...workspace(scratch),
    egressProxy: trap.url,
    prompt: `Reply with the word I give you. [[say ${word}]]`,
    env: {
      CLAUDE_CODE_USE_VERTEX: '1',
      ANTHROPIC_VERTEX_BASE_URL: `${stack.gateway.url}/vertex_ai/v1`,
      ANTHROPIC_VERTEX_PROJECT_ID: 'client-project',
      CLOUD_ML_REGION: 'us-east5',
      CLAUDE_CODE_SKIP_VERTEX_AUTH: '1',
      ANTHROPIC_CUSTOM_HEADERS: `x-litellm-api-key: ${MASTER_KEY}`,
    },
  });
  const answered = await stack.answered();
  expect(
    answered.filter((line) => line.status >= 400),
    `requests the gateway refused; the CLI said: ${result.result}`,
  ).toEqual([]);
  expect(result).toMatchObject({ type: 'result', subtype: 'success', is_error: false });
  expect(result.result).toBe(word);
  const vertexPath = /^\/vertex_ai\/v1\/projects\/client-project\/locations\/us-east5\/publishers\/anthropic\/models\/[^/]+:(stream)?[rR]awPredict$/;
  expect(answered.some((line) => vertexPath.test(line.path) && line.model === MODELS.anthropic.main)).toBe(true);
  expect(trap.attempts).toEqual([]);
});
