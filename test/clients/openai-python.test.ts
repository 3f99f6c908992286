// The OpenAI Python SDK (the release pinned under "python" in test/clients/package.json) against the
// gateway's Chat Completions on models of every backend: a chat, a stream with usage, and a tool
// round trip, each run by openai_python.py in the suite's virtualenv.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readPins, VENV_PYTHON } from './install.ts';
import { BACKENDS, MASTER_KEY, MODELS, startStack, type ClientStack } from './support/stack.ts';

const SCRIPT = fileURLToPath(new URL('openai_python.py', import.meta.url));

let stack: ClientStack;
beforeAll(async () => void (stack = await startStack()));
afterAll(() => stack.close());
beforeEach(() => stack.reset());

/** Runs one case of the script (asynchronously: the gateway answering it runs in this process). */
function python(model: string, testCase: 'chat' | 'stream' | 'tools', prompt: string): Promise<any> {
  const args = [SCRIPT, `${stack.gateway.url}/v1`, MASTER_KEY, model, testCase, prompt];
  return new Promise((resolve, reject) => {
    const child = execFile(VENV_PYTHON, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`openai_python.py ${testCase} failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin?.end();
  });
}

describe.each(BACKENDS)('the openai Python SDK on the %s-backed model', (backend) => {
  const model = MODELS[backend].main;

  it('completes a chat', async () => {
    const word = `word-${randomUUID()}`;
    const result = await python(model, 'chat', `Repeat the word. [[say ${word}]]`);
    expect(result.sdk_version).toBe(readPins().python['openai']);
    expect(result).toMatchObject({ content: word, finish_reason: 'stop' });
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams a chat with its usage', async () => {
    const word = `streamed-${randomUUID()}`;
    const result = await python(model, 'stream', `Repeat the word. [[say ${word}]]`);
    expect(result.pieces.join('')).toBe(word);
    expect(result.pieces.length).toBeGreaterThan(1);
    expect(result.finish_reason).toBe('stop');
    expect(result.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('calls a tool and answers with its result', async () => {
    const city = `Accra-${randomUUID()}`;
    const result = await python(model, 'tools', `What is the weather? [[call get_weather ${JSON.stringify({ city })}]]`);
    expect(result.finish_reason).toBe('tool_calls');
    expect(result.call).toEqual({ name: 'get_weather', arguments: { city } });
    expect(result.answer).toBe(`tool said: sunny and 21 degrees in ${city}`);
    expect(stack.upstreamBodies(backend)).toHaveLength(2);
  });
});
