// The web UI at /ui, served by the admin side (the local server, the admin Lambda): its pages and
// files, sign-in and sign-out, the session the pages ask for, and the playground. The pages talk to
// the admin API itself with the session cookie (./session-authenticator.ts); nothing here holds or
// sends a key.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { GatewayError } from '../core/errors.ts';
import type { GatewayRequest, Reply, Route } from '../core/types.ts';
import { parseBody } from '../endpoints/admin/fields.ts';
import { virtualKeyIdentity } from '../keys/authenticator.ts';
import type { TeamService } from '../keys/team-service.ts';
import type { UserService } from '../keys/user-service.ts';
import type { Identities } from '../store/identities.ts';
import { UI_HEADERS, type UiAsset, uiAssets } from './assets.ts';
import { playgroundRoute } from './playground.ts';
import { checkSameOrigin } from './same-origin.ts';
import type { NewUserDefaults } from './new-user-defaults.ts';
import { ssoRoutes } from './sso.ts';
import { ssoSettings } from './sso-settings.ts';
import { sessionCookies } from './session-authenticator.ts';

export interface UiOptions {
  /**
   * The built UI by file name: index.html, app.js, app.css (ui/build.ts); asked once, when a page or file
   * is first asked for. Absent: only the playground's chat is served, for the sessions the other side
   * signed in (the gateway Lambda, which streams it where the admin Lambda answers whole).
   */
  files?: () => Promise<Map<string, string>>;
  /** Where the UI's settings are read: UI_SESSION_SECRET, and single sign-on's (shared/ui/sso-settings.ts). */
  env: (name: string) => string | undefined;
  now?: () => number;
}

const signInSchema = z.strictObject({ master_key: z.string().min(1) });

/** What the UI's routes use of the gateway: the identity records, the users and teams services (SSO makes users, with their defaults), the chat route (the playground). */
export interface UiParts {
  identities: Identities;
  users: UserService;
  teams: TeamService;
  newUser: NewUserDefaults;
  chat: Route;
}

export function uiRoutes(ui: UiOptions, masterKey: string | undefined, parts: UiParts): Route[] {
  const { identities, chat } = parts;
  const playground = playgroundRoute(chat, identities, virtualKeyIdentity(identities, ui.now));
  const files = ui.files;
  if (!files) return [playground];
  let built: Promise<Map<string, UiAsset>> | undefined;
  // A build that failed is tried again at the next request.
  const assets = () =>
    (built ??= files().then(uiAssets, (error) => {
      // A failed build is tried again on the next request.
      built = undefined;
      throw error;
    }));
  const cookies = sessionCookies(ui, masterKey);
  const sso = ssoSettings(ui.env);
  const masterDigest = masterKey === undefined ? undefined : digest(masterKey);
  const page = async (): Promise<Reply> => {
    const index = (await assets()).get('index.html')!;
    return { headers: { ...UI_HEADERS, 'content-type': index.contentType }, body: index.body };
  };
  const json = (value: unknown, headers: Record<string, string> = {}): Reply => ({ headers: { ...UI_HEADERS, ...headers }, body: JSON.stringify(value) });
  return [
    // Every page is the one app; it shows the page the path names.
    { method: 'GET', paths: ['/ui', '/ui/{page}'], auth: 'public', handle: page },
    {
      method: 'GET',
      paths: ['/ui/assets/{file}'],
      auth: 'public',
      async handle(_request, _ctx, params) {
        const asset = params['file'] === 'index.html' ? undefined : (await assets()).get(params['file']!);
        if (!asset) throw new GatewayError('not_found', `The UI has no file ${params['file']}.`);
        return { headers: { ...UI_HEADERS, 'content-type': asset.contentType }, body: asset.body };
      },
    },
    {
      method: 'GET',
      paths: ['/ui/api/session'],
      auth: 'public',
      async handle(request) {
        if (!cookies) return json({ signed_in: true, open: true, user_id: null, user_role: 'proxy_admin', csrf_token: null });
        const session = cookies.read(request.headers);
        if (!session) return json({ signed_in: false, open: false, sso: sso !== undefined });
        return json({ signed_in: true, open: false, user_id: session.userId, user_role: session.role, csrf_token: session.csrf, expires: new Date(session.expires).toISOString() });
      },
    },
    {
      method: 'POST',
      paths: ['/ui/api/sign-in'],
      auth: 'public',
      async handle(request) {
        checkSameOrigin(request.headers, 'Sign-in');
        if (!cookies || !masterDigest) throw new GatewayError('invalid_request', 'This gateway has no master key (general_settings.master_key): it is open, and the UI needs no sign-in.');
        const { master_key } = parseBody(signInSchema, request.body, '/ui/api/sign-in');
        if (!timingSafeEqual(digest(master_key), masterDigest)) throw new GatewayError('invalid_key', 'That is not the master key (general_settings.master_key).');
        const { session, setCookie } = cookies.issue({ userId: null, role: 'proxy_admin' }, isSecure(request));
        return json({ signed_in: true, user_id: null, user_role: session.role, csrf_token: session.csrf }, { 'set-cookie': setCookie });
      },
    },
    // LiteLLM's own sign-in form, which scripts written for LiteLLM's UI post: `username` and `password`
    // form fields, the UI's username (UI_USERNAME, default "admin") with UI_PASSWORD, or with the master
    // key where no UI_PASSWORD is set, as LiteLLM takes them. The same session as above, then the UI.
    {
      method: 'POST',
      paths: ['/login'],
      auth: 'public',
      async handle(request) {
        checkSameOrigin(request.headers, 'Sign-in');
        if (!cookies || !masterDigest) throw new GatewayError('invalid_request', 'This gateway has no master key (general_settings.master_key): it is open, and the UI needs no sign-in.');
        const form = new URLSearchParams(request.body);
        const username = form.get('username');
        const password = form.get('password');
        if (!username || !password) {
          throw new GatewayError('invalid_request', "POST /login takes the form fields username and password (application/x-www-form-urlencoded), as LiteLLM's UI sign-in does.", {
            param: username ? 'password' : 'username',
          });
        }
        const uiPassword = ui.env('UI_PASSWORD');
        const passwordDigest = uiPassword ? digest(uiPassword) : masterDigest;
        if (username !== (ui.env('UI_USERNAME') || 'admin') || !timingSafeEqual(digest(password), passwordDigest)) {
          throw new GatewayError('invalid_key', 'Invalid credentials used to access UI: the username is UI_USERNAME (default admin), the password UI_PASSWORD or, where none is set, the master key.');
        }
        const { setCookie } = cookies.issue({ userId: null, role: 'proxy_admin' }, isSecure(request));
        return { status: 303, headers: { ...UI_HEADERS, location: '/ui/', 'set-cookie': setCookie }, body: '' };
      },
    },
    {
      method: 'POST',
      paths: ['/ui/api/sign-out'],
      auth: 'public',
      async handle(request) {
        checkSameOrigin(request.headers, 'Sign-out');
        return json({ signed_in: false }, cookies ? { 'set-cookie': cookies.clear(isSecure(request)) } : {});
      },
    },
    playground,
    ...(sso && cookies ? ssoRoutes({ settings: sso, cookies, identities, users: parts.users, teams: parts.teams, newUser: parts.newUser, isSecure }) : []),
  ];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The cookie is `Secure` unless the browser reached us on loopback over plain HTTP (`npm start`). */
function isSecure(request: GatewayRequest): boolean {
  const host = (request.headers['host'] ?? '').replace(/:\d+$/, '');
  return !['localhost', '127.0.0.1', '[::1]'].includes(host);
}
