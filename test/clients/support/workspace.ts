// A fresh working directory and home for one run of a CLI (Claude Code, Codex), under a scratch folder.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function workspace(scratch: string): { cwd: string; home: string } {
  const run = join(scratch, randomUUID());
  const [cwd, home] = [join(run, 'project'), join(run, 'home')];
  mkdirSync(cwd, { recursive: true });
  mkdirSync(home);
  return { cwd, home };
}
