// Settings: the running configuration, read-only, as the gateway shows it to a caller: each
// deployment's public parameters (GET /model/info leaves out keys and credentials) and who is signed in.
import type { SessionInfo } from '../api.ts';
import { ErrorBox, useLoad } from '../components.tsx';
import { listModels } from './models.tsx';

export function SettingsPage({ session }: { session: SessionInfo }) {
  const models = useLoad(listModels);
  return (
    <div>
      <h2>Settings</h2>
      <p>
        Signed in as <strong>{session.user_id ?? 'the master key'}</strong> ({session.user_role}).
      </p>
      <h3>Deployments (model_list)</h3>
      <ErrorBox error={models.error} />
      <pre data-testid="settings">{models.data && JSON.stringify(models.data, null, 2)}</pre>
    </div>
  );
}
