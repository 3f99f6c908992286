// OpenAI chat requests → generateContent bodies: messages, images, tools, schemas, thinking.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../shared/core/errors.ts';
import { toGenerateContentRequest } from '../../../shared/providers/gemini/request.ts';
import { toGeminiSchema } from '../../../shared/providers/gemini/schema.ts';
import type { ChatCompletionRequest } from '../../../shared/openai/types.ts';

const request = (overrides: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], ...overrides });
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false } },
};

describe('toGenerateContentRequest', () => {
  it('puts system and developer messages in systemInstruction and merges turns of one role', () => {
    const body = toGenerateContentRequest(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'Hello' },
          { role: 'user', content: 'Again' },
          { role: 'assistant', content: 'Bonjour' },
        ],
      }),
    );
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hello' }, { text: 'Again' }] },
      { role: 'model', parts: [{ text: 'Bonjour' }] },
    ]);
  });

  it('sends data: images inline and URLs as file references with a guessed type', () => {
    const body = toGenerateContentRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.webp' } },
              { type: 'image_url', image_url: { url: 'gs://bucket/dog' } },
              { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
            ],
          },
        ],
      }),
    );
    expect(body.contents[0]!.parts).toEqual([
      { text: 'What is in these?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'gs://bucket/dog' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGR' } },
    ]);
  });

  it('refuses an image that is neither a URL nor base64 data, naming the field', () => {
    const error = (() => {
      try {
        toGenerateContentRequest(request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'messages[0].content[0]' });
  });

  it('maps tools and tool_choice, and cleans the schema to what Gemini accepts', () => {
    const body = toGenerateContentRequest(
      request({
        tools: [weather, { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      }),
    );
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
          { name: 'now' },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
    expect(toGenerateContentRequest(request({ tools: [weather], tool_choice: 'required' })).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(toGenerateContentRequest(request({ tools: [weather], tool_choice: 'none' })).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
  });

  it('sends tool calls back as functionCall parts with their thought signature, and results under the function name', () => {
    const body = toGenerateContentRequest(
      request({
        model: 'gemini-3-pro-preview',
        tools: [weather],
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_a__thought__c2lnbmF0dXJl', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
              { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_a__thought__c2lnbmF0dXJl', content: '18C' },
          { role: 'tool', tool_call_id: 'call_b', content: '24C' },
        ],
      }),
    );
    expect(body.contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris' } }, thoughtSignature: 'c2lnbmF0dXJl' }, { functionCall: { name: 'get_weather', args: { location: 'Rome' } } }],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { content: '18C' } } }, { functionResponse: { name: 'get_weather', response: { content: '24C' } } }] },
    ]);
  });

  it('gives Gemini 3 history calls that lost their signature the documented skip value', () => {
    const body = toGenerateContentRequest(
      request({
        model: 'gemini-3-flash-preview',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
        ],
      }),
    );
    expect(body.contents[1]!.parts[0]!.thoughtSignature).toBe('skip_thought_signature_validator');
    const older = toGenerateContentRequest(
      request({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
        ],
      }),
    );
    expect(older.contents[1]!.parts[0]!.thoughtSignature).toBeUndefined();
  });

  it('refuses a tool result that answers no earlier call', () => {
    expect(() =>
      toGenerateContentRequest(
        request({
          messages: [
            { role: 'user', content: 'x' },
            { role: 'tool', tool_call_id: 'nope', content: 'ok' },
          ],
        }),
      ),
    ).toThrow(expect.objectContaining({ kind: 'invalid_request', param: 'messages[1].tool_call_id' }));
  });

  it('maps sampling parameters into generationConfig', () => {
    const body = toGenerateContentRequest(
      request({ temperature: 0.2, top_p: 0.9, max_completion_tokens: 300, stop: 'END', n: 2, seed: 7, presence_penalty: 0.5, frequency_penalty: 0.1, top_k: 40 } as Partial<ChatCompletionRequest>),
    );
    expect(body.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 300,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.1,
      topK: 40,
    });
    expect(body).not.toHaveProperty('top_k');
  });

  it('maps response_format json_schema to a JSON response schema', () => {
    const body = toGenerateContentRequest(
      request({
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'city',
            strict: true,
            schema: { type: 'object', properties: { name: { type: 'string' }, population: { type: ['integer', 'null'] } }, required: ['name'], additionalProperties: false },
          },
        },
      }),
    );
    expect(body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { name: { type: 'string' }, population: { type: 'integer', nullable: true } }, required: ['name'] },
    });
    expect(toGenerateContentRequest(request({ response_format: { type: 'json_object' } })).generationConfig).toEqual({ responseMimeType: 'application/json' });
  });

  it.each([
    ['gemini-2.5-flash', 'low', { thinkingBudget: 1024, includeThoughts: true }],
    ['gemini-2.5-pro', 'high', { thinkingBudget: 4096, includeThoughts: true }],
    ['gemini-2.5-flash', 'none', { thinkingBudget: 0, includeThoughts: false }],
    ['gemini-3-pro-preview', 'medium', { thinkingLevel: 'high', includeThoughts: true }],
    ['gemini-3-pro-preview', 'minimal', { thinkingLevel: 'low', includeThoughts: true }],
  ] as const)('maps reasoning_effort on %s (%s) to a thinking config', (model, effort, expected) => {
    expect(toGenerateContentRequest(request({ model, reasoning_effort: effort })).generationConfig?.thinkingConfig).toEqual(expected);
  });

  it('takes an Anthropic-style thinking budget', () => {
    expect(toGenerateContentRequest(request({ thinking: { type: 'enabled', budget_tokens: 2000 } })).generationConfig?.thinkingConfig).toEqual({ thinkingBudget: 2000, includeThoughts: true });
  });
});

describe('toGeminiSchema', () => {
  it('inlines $refs, turns anyOf-with-null into nullable and const into enum', () => {
    const schema = toGeminiSchema(
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        $defs: { Step: { type: 'object', properties: { text: { type: 'string', format: 'markdown' } } } },
        properties: { steps: { type: 'array', items: { $ref: '#/$defs/Step' } }, note: { anyOf: [{ type: 'string' }, { type: 'null' }] }, kind: { const: 'plan' } },
      },
      'p',
    );
    expect(schema).toEqual({
      type: 'object',
      properties: { steps: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' } } } }, note: { type: 'string', nullable: true }, kind: { enum: ['plan'] } },
    });
  });

  it('refuses a recursive schema with a 400 naming the field', () => {
    expect(() => toGeminiSchema({ $defs: { Node: { type: 'object', properties: { child: { $ref: '#/$defs/Node' } } } }, $ref: '#/$defs/Node' }, 'tools[0].function.parameters')).toThrow(
      expect.objectContaining({ kind: 'invalid_request', param: 'tools[0].function.parameters' }),
    );
  });
});
