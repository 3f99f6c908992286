// The client suite's vitest globalSetup: the pinned clients are installed before any of its files run,
// so `npx vitest run test/clients` works on a clean clone too.
import { ensureClients } from './install.ts';

export default function setup(): void {
  ensureClients();
}
