// The Claude Code CLI on Vertex AI (CLAUDE_CODE_USE_VERTEX) with the gateway as its Vertex endpoint, as
// LiteLLM's docs set it up: ANTHROPIC_VERTEX_BASE_URL=<gateway>/vertex_ai/v1, Vertex auth skipped, the
// gateway key in x-litellm-api-key. It calls Vertex's `:rawPredict`/`:streamRawPredict` paths for Claude,
// which the gateway serves as /v1/messages calls.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runClaudeCode } from './support/claude-code.ts';
import { startEgressTrap, type EgressTrap } from './support/egress-trap.ts';
import { workspace } from './support/workspace.ts';
import { MASTER_KEY, MODELS, startStack, type ClientStack } from './support/stack.ts';

let stack: ClientStack;
let trap: EgressTrap;
let scratch: string;

beforeAll(async () => {
  stack = await startStack();
  trap = await startEgressTrap();
  scratch = mkdtempSync(join(tmpdir(), 'tollgate-claude-code-vertex-'));
});
afterAll(async () => {
  await stack.close();
  await trap.close();
  rmSync(scratch, { recursive: true, force: true });
});

it('answers a prompt through /vertex_ai, each request authenticated by the gateway key in x-litellm-api-key', async () => {
  const word = `pong-${randomUUID()}`;
  const { result } = await runClaudeCode({
    gatewayUrl: stack.gateway.url,
    // Not the key: in Vertex mode the CLI sends no Anthropic key, only the custom header below.
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
  expect(
    answered.some(
      (line) => /^\/vertex_ai\/v1\/projects\/client-project\/locations\/us-east5\/publishers\/anthropic\/models\/[^/]+:(stream)?[rR]awPredict$/.test(line.path) && line.model === MODELS.anthropic.main,
    ),
  ).toBe(true);
  expect(trap.attempts).toEqual([]);
});
