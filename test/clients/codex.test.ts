// The Codex CLI (the release pinned in test/clients/package.json), run non-interactively (`codex
// exec`) with the gateway as a custom model provider speaking the Responses API, on Anthropic-,
// OpenAI- and Bedrock-backed models: a plain prompt, and a tool round trip in which the CLI runs a
// shell command that reads a file the test wrote and sends its output back to the model.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CodexEvent, runCodex } from './support/codex.ts';
import { startEgressTrap, type EgressTrap } from './support/egress-trap.ts';
import { workspace } from './support/workspace.ts';
import { BACKENDS, MASTER_KEY, MODELS, startStack, type ClientStack } from './support/stack.ts';

let stack: ClientStack;
let trap: EgressTrap;
let scratch: string;

beforeAll(async () => {
  stack = await startStack();
  trap = await startEgressTrap();
  scratch = mkdtempSync(join(tmpdir(), 'tollgate-codex-'));
});
afterAll(async () => {
  await stack.close();
  await trap.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => stack.reset());

/** The run finished its turn, every request it made was answered with a 2xx, and it reached nothing else. */
async function expectCleanRun(events: CodexEvent[], code: number, stderr: string): Promise<void> {
  const answered = await stack.answered();
  expect(answered.filter((line) => line.status >= 400)).toEqual([]);
  expect(code, stderr).toBe(0);
  expect(events.map((event) => event.type)).toContain('turn.completed');
  expect(answered.some((line) => line.path === '/v1/responses')).toBe(true);
  expect(trap.attempts).toEqual([]);
}

const messages = (events: CodexEvent[]) => events.filter((event) => event.type === 'item.completed' && event.item?.type === 'agent_message').map((event) => event.item!.text);

describe.each(BACKENDS)('codex exec on the %s model', (backend) => {
  const run = (prompt: string, where = workspace(scratch)) => runCodex({ gatewayUrl: stack.gateway.url, key: MASTER_KEY, model: MODELS[backend].main, ...where, egressProxy: trap.url, prompt });

  it('answers a prompt', async () => {
    const word = `pong-${randomUUID()}`;
    const { events, code, stderr } = await run(`Reply with the word I give you. [[say ${word}]]`);
    await expectCleanRun(events, code, stderr);
    expect(messages(events)).toEqual([word]);
  });

  it('runs a shell command and sends its output back to the model', async () => {
    const where = workspace(scratch);
    const secret = `code-word-${randomUUID()}`;
    writeFileSync(join(where.cwd, 'notes.txt'), `The code word is ${secret}.\n`);
    const { events, code, stderr } = await run(`What is the code word in notes.txt? [[call exec_command {"cmd":"cat notes.txt"}]]`, where);
    await expectCleanRun(events, code, stderr);
    const command = events.find((event) => event.type === 'item.completed' && event.item?.type === 'command_execution')!.item!;
    expect(command).toMatchObject({ exit_code: 0, aggregated_output: `The code word is ${secret}.\n` });
    // The prompt names only the file: the code word reached the model because the CLI ran the command and sent its output.
    expect(messages(events).at(-1)).toMatch(new RegExp(`^tool said: [^]*The code word is ${secret}\\.`));
    expect(stack.upstreamBodies(backend).filter((body) => JSON.stringify(body).includes(secret))).toHaveLength(1);
  });
});
