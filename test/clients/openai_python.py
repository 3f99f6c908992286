"""Drives the OpenAI Python SDK (the release pinned in test/clients/package.json) against the gateway.

Run by openai-python.test.ts as `python openai_python.py <base_url> <api_key> <model> <case> <prompt>`;
prints one JSON object with what the SDK handed back, for the test to assert on.
  chat    a chat completion: content, finish_reason, usage
  stream  a streamed chat completion with include_usage: the content pieces, finish_reason, usage
  tools   a tool call, the tool's result sent back, and the answer: the call and the answer
"""

import json
import sys

import openai

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def chat(client, model, prompt):
    completion = client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])
    choice = completion.choices[0]
    return {
        "content": choice.message.content,
        "finish_reason": choice.finish_reason,
        "usage": completion.usage.model_dump() if completion.usage else None,
    }


def stream(client, model, prompt):
    pieces, finish_reason, usage = [], None, None
    with client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": prompt}], stream=True, stream_options={"include_usage": True}
    ) as chunks:
        for chunk in chunks:
            if chunk.usage:
                usage = chunk.usage.model_dump()
            for choice in chunk.choices:
                if choice.delta.content:
                    pieces.append(choice.delta.content)
                finish_reason = choice.finish_reason or finish_reason
    return {"pieces": pieces, "finish_reason": finish_reason, "usage": usage}


def tools(client, model, prompt):
    messages = [{"role": "user", "content": prompt}]
    first = client.chat.completions.create(model=model, messages=messages, tools=[WEATHER_TOOL])
    call = first.choices[0].message.tool_calls[0]
    city = json.loads(call.function.arguments)["city"]
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": f"sunny and 21 degrees in {city}"})
    second = client.chat.completions.create(model=model, messages=messages, tools=[WEATHER_TOOL])
    return {
        "finish_reason": first.choices[0].finish_reason,
        "call": {"name": call.function.name, "arguments": json.loads(call.function.arguments)},
        "answer": second.choices[0].message.content,
    }


def main():
    base_url, api_key, model, case, prompt = sys.argv[1:6]
    client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0)
    result = {"chat": chat, "stream": stream, "tools": tools}[case](client, model, prompt)
    print(json.dumps({"sdk_version": openai.__version__, **result}))


if __name__ == "__main__":
    main()
