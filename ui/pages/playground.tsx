// Playground: chat, streamed, with a model and one of the signed-in person's keys. The browser names the
// key by its hash; the gateway calls as that key (POST /ui/api/playground/chat), so the key itself
// never reaches the page and the call is charged to it like any other.
import { useState } from 'preact/hooks';
import { postStream } from '../api.ts';
import { ErrorBox, useAction, useLoad } from '../components.tsx';
import { listKeys } from './keys.tsx';
import { listModels } from './models.tsx';

interface Message {
  role: 'user' | 'assistant';
  content: string;
}

export function PlaygroundPage({ model: initialModel }: { model?: string }) {
  const keys = useLoad(listKeys);
  const models = useLoad(listModels);
  const [key, setKey] = useState('');
  const [model, setModel] = useState(initialModel ?? '');
  const [prompt, setPrompt] = useState('');
  const [messages, setMessages] = useState<Message[]>([]);
  const action = useAction();
  const chosenKey = key || keys.data?.find((k) => !k.blocked)?.token || '';
  const chosenModel = model || models.data?.[0]?.model_name || '';
  const send = () =>
    action.run(async () => {
      const asked: Message[] = [...messages, { role: 'user', content: prompt }];
      setMessages([...asked, { role: 'assistant', content: '' }]);
      setPrompt('');
      let answer = '';
      for await (const data of postStream('/ui/api/playground/chat', { key: chosenKey, model: chosenModel, messages: asked })) {
        if (data === '[DONE]') break;
        const chunk = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }>; error?: { message: string } };
        if (chunk.error) throw new Error(chunk.error.message);
        answer += chunk.choices?.[0]?.delta?.content ?? '';
        setMessages([...asked, { role: 'assistant', content: answer }]);
      }
    });
  return (
    <div>
      <h2>Playground</h2>
      <div class="inline">
        <label>
          <span>Key</span>
          <select aria-label="Key" value={chosenKey} onChange={(event) => setKey((event.target as HTMLSelectElement).value)}>
            {keys.data?.map((k) => (
              <option key={k.token} value={k.token}>
                {k.key_alias ?? k.key_name}
                {k.blocked ? ' (blocked)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Model</span>
          <select aria-label="Model" value={chosenModel} onChange={(event) => setModel((event.target as HTMLSelectElement).value)}>
            {[...new Set(models.data?.map((m) => m.model_name))].map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
      </div>
      <div class="chat" data-testid="chat">
        {messages.map((message, i) => (
          <p key={i} class={`message ${message.role}`}>
            <strong>{message.role}</strong> {message.content}
          </p>
        ))}
      </div>
      <ErrorBox error={action.error ?? keys.error ?? models.error} />
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <textarea aria-label="Message" value={prompt} onInput={(event) => setPrompt((event.target as HTMLTextAreaElement).value)} />
        <button type="submit" disabled={action.busy || !prompt || !chosenKey || !chosenModel}>
          Send
        </button>
      </form>
    </div>
  );
}
