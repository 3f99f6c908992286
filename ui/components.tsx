// Pieces every page uses: loading what a page shows, tables, forms, errors, money.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';

/** Loads `load()` now and whenever `reload` is called or `deps` change; `error` holds the gateway's message. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
      },
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
  }, [round, ...deps]);
  return { data, error, reload: useCallback(() => setRound((r) => r + 1), []) };
}

/** Runs an action from a button, showing its error (a 403 from the admin API, say) where it was asked. */
export function useAction(): { run: (action: () => Promise<unknown>) => Promise<void>; error: string | undefined; busy: boolean } {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, error, busy };
}

export function ErrorBox({ error }: { error: string | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

export interface Column<T> {
  title: string;
  show: (row: T) => ComponentChildren;
}

export function Table<T>({ rows, columns, empty = 'Nothing yet.', onPick }: { rows: T[] | undefined; columns: Column<T>[]; empty?: string; onPick?: (row: T) => void }) {
  if (!rows) return <p class="muted">Loading…</p>;
  if (!rows.length) return <p class="muted">{empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.title}>{column.title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i} class={onPick ? 'pickable' : undefined} onClick={onPick && (() => onPick(row))}>
            {columns.map((column) => (
              <td key={column.title}>{column.show(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** A labelled text input bound to one field of a form's state. */
export function Field({
  label,
  value,
  onInput,
  type = 'text',
  placeholder,
}: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'password' | 'date';
  placeholder?: string;
}) {
  return (
    <label>
      <span>{label}</span>
      <input type={type as 'text'} value={value} placeholder={placeholder} aria-label={label} onInput={(event) => onInput((event.target as HTMLInputElement).value)} />
    </label>
  );
}

export function money(value: unknown): string {
  return typeof value === 'number' ? `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 6 : 2)}` : '—';
}

export function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return Array.isArray(value) ? value.join(', ') || '—' : String(value);
}

/** A comma-separated input as a list (empty: absent). */
export function list(value: string): string[] | undefined {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** A number input (empty: absent). */
export function amount(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value);
}
