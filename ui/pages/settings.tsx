// Settings: the running configuration, read-only, as GET /config/yaml gives it: the config file as
// loaded, every secret masked by the gateway (an `os.environ/` reference shown as written), and the keys
// Tollgate does not act on. The admins' page: anyone else is told so by the admin API.
import { get, type SessionInfo } from '../api.ts';
import { ErrorBox, useLoad } from '../components.tsx';

interface RunningConfig {
  config: Record<string, unknown>;
  ignored_keys: string[];
}

const loadConfig = () => get<RunningConfig>('/config/yaml');

export function SettingsPage({ session }: { session: SessionInfo }) {
  const running = useLoad(loadConfig);
  return (
    <div>
      <h2>Settings</h2>
      <p>
        Signed in as <strong>{session.user_id ?? 'the master key'}</strong> ({session.user_role}).
      </p>
      <h3>Config</h3>
      <p class="muted">The config file as loaded, read-only: secrets are masked (****), os.environ/ references are shown as written. Change it by editing the file and deploying again.</p>
      <ErrorBox error={running.error} />
      <pre data-testid="settings">{running.data && JSON.stringify(running.data.config, null, 2)}</pre>
      {running.data && running.data.ignored_keys.length > 0 && (
        <>
          <h3>Keys Tollgate does not act on</h3>
          <ul data-testid="ignored-keys">
            {running.data.ignored_keys.map((key) => (
              <li key={key}>
                <code>{key}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
