// What the caller of an admin route may read and change, once its role has let it call the route
// (./roles.ts): a proxy admin everything, a proxy_admin_viewer reads everything, and anyone else
// only what is their own: their key, their user's keys and info, their teams, and the members of the
// teams they are an admin of. As LiteLLM, another key's info is "not found", not "forbidden".
import { GatewayError } from '../core/errors.ts';
import type { Identity } from '../core/types.ts';
import type { KeyRecord, TeamRecord } from '../store/records.ts';
import { virtualKeyOf } from './identity.ts';
import { roleOf, type UserRole } from './roles.ts';
import { sessionOf } from './session-identity.ts';

export class CallerScope {
  readonly role: UserRole | undefined;
  /** The calling key's hash, its user and its team; none for the master key. */
  readonly token: string | undefined;
  readonly userId: string | null;
  readonly teamId: string | null;

  constructor(identity: Identity | undefined) {
    const key = virtualKeyOf(identity);
    this.role = roleOf(identity);
    this.token = key?.token;
    this.userId = key?.userId ?? sessionOf(identity)?.userId ?? null;
    this.teamId = key?.teamId ?? null;
  }

  get changesAll(): boolean {
    return this.role === 'proxy_admin';
  }

  get readsAll(): boolean {
    return this.changesAll || this.role === 'proxy_admin_viewer';
  }

  /** The caller's own key, or a key of the caller's user. */
  owns(key: KeyRecord): boolean {
    return key.token === this.token || (this.userId !== null && key.user_id === this.userId);
  }

  /** The key's team, or a team the caller's user is a member of. */
  isIn(team: TeamRecord): boolean {
    return team.team_id === this.teamId || (this.userId !== null && team.members_with_roles.some((m) => m.user_id === this.userId));
  }

  isAdminOf(team: TeamRecord): boolean {
    return this.changesAll || (this.userId !== null && team.members_with_roles.some((m) => m.user_id === this.userId && m.role === 'admin'));
  }

  /** A key the caller may read: another's is "not found", as LiteLLM answers. */
  checkReads(key: KeyRecord): void {
    if (!this.readsAll && !this.owns(key)) throw new GatewayError('not_found', 'Key not found: a key may read only its own info and the keys of its user.');
  }

  /** A key the caller may change. */
  checkChanges(key: KeyRecord): void {
    if (!this.changesAll && !this.owns(key)) throw this.refusal(`may change only its user's keys (user_id ${this.userId ?? 'none'}); this key is another's.`);
  }

  refusal(what: string): GatewayError {
    return new GatewayError('permission_denied', `A key with role ${this.role ?? 'none'} ${what} The master key, or a proxy_admin user's key, may.`);
  }
}
