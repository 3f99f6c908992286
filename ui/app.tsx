// The web UI: one page app at /ui/<page>. It asks the gateway who is signed in (GET /ui/api/session),
// shows the sign-in form if nobody is, and otherwise the page the path names. Every page talks to the
// admin API with the session cookie; what a signed-in person may do is the admin API's to decide.
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, post, type SessionInfo, setSessionToken } from './api.ts';
import { ErrorBox, Field, useAction } from './components.tsx';
import { AuditPage } from './pages/audit.tsx';
import { ENTITIES, EntityPage } from './pages/entities.tsx';
import { KeysPage } from './pages/keys.tsx';
import { ModelsPage } from './pages/models.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { PlaygroundPage } from './pages/playground.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { SpendPage } from './pages/spend.tsx';

const PAGES: Array<[string, string]> = [
  ['overview', 'Overview'],
  ['models', 'Models'],
  ['keys', 'Keys'],
  ['teams', 'Teams'],
  ['users', 'Users'],
  ['customers', 'Customers'],
  ['organizations', 'Organizations'],
  ['spend', 'Spend & logs'],
  ['audit', 'Audit log'],
  ['settings', 'Settings'],
  ['playground', 'Playground'],
];

/** Readers of everything start at the overview; others at their keys. */
const READS_ALL = new Set(['proxy_admin', 'proxy_admin_viewer']);

function currentPage(): { page: string | undefined; query: string | undefined } {
  const page = location.pathname.replace(/^\/ui\/?/, '') || undefined;
  return { page, query: new URLSearchParams(location.search).get('model') ?? undefined };
}

function App() {
  const [session, setSession] = useState<SessionInfo>();
  const [route, setRoute] = useState(currentPage);
  useEffect(() => {
    void get<SessionInfo>('/ui/api/session').then(setSession);
    const onPop = () => setRoute(currentPage());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  if (!session) return <p class="muted">Loading…</p>;
  setSessionToken(session);
  if (!session.signed_in) return <SignIn sso={session.sso === true} onSignedIn={setSession} />;
  const go = (page: string, model?: string) => {
    history.pushState(null, '', `/ui/${page}${model ? `?model=${encodeURIComponent(model)}` : ''}`);
    setRoute({ page, query: model });
  };
  const page = route.page ?? (READS_ALL.has(session.user_role ?? '') ? 'overview' : 'keys');
  const signOut = () => post('/ui/api/sign-out').then(() => setSession({ signed_in: false, open: false }));
  return (
    <div class="layout">
      <nav>
        <h1>Tollgate</h1>
        {PAGES.map(([name, title]) => (
          <a
            key={name}
            href={`/ui/${name}`}
            class={name === page ? 'current' : undefined}
            onClick={(event) => {
              event.preventDefault();
              go(name);
            }}
          >
            {title}
          </a>
        ))}
        <p class="who">
          {session.user_id ?? 'master key'} · {session.user_role}
        </p>
        {!session.open && (
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        )}
      </nav>
      <main>
        <Page page={page} model={route.query} session={session} go={go} />
      </main>
    </div>
  );
}

function Page({ page, model, session, go }: { page: string; model: string | undefined; session: SessionInfo; go: (page: string, model?: string) => void }) {
  if (page === 'overview') return <OverviewPage />;
  if (page === 'models') return <ModelsPage go={go} />;
  if (page === 'keys') return <KeysPage focus={new URLSearchParams(location.search).get('key') ?? undefined} />;
  if (page in ENTITIES) return <EntityPage kind={page} />;
  if (page === 'spend') return <SpendPage />;
  if (page === 'audit') return <AuditPage />;
  if (page === 'settings') return <SettingsPage session={session} />;
  if (page === 'playground') return <PlaygroundPage model={model} />;
  return <p>No page {page}.</p>;
}

function SignIn({ sso, onSignedIn }: { sso: boolean; onSignedIn: (session: SessionInfo) => void }) {
  const [masterKey, setMasterKey] = useState('');
  const action = useAction();
  const signIn = () =>
    action.run(async () => {
      await post('/ui/api/sign-in', { master_key: masterKey });
      onSignedIn(await get<SessionInfo>('/ui/api/session'));
    });
  return (
    <div class="sign-in">
      <h1>Tollgate</h1>
      {sso && (
        <p>
          <a class="button" href="/ui/api/sso/start">
            Sign in with single sign-on
          </a>
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void signIn();
        }}
      >
        <Field label="Master key" type="password" value={masterKey} onInput={setMasterKey} />
        <button type="submit" disabled={action.busy || !masterKey}>
          Sign in
        </button>
      </form>
      <ErrorBox error={action.error} />
    </div>
  );
}

render(<App />, document.getElementById('app')!);
