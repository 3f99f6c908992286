#!/usr/bin/env node
// `npx tollgate ...`: the admin CLI (local/cli/main.ts), run through tsx so it needs no build step.
import { tsImport } from 'tsx/esm/api';

await tsImport('./main.ts', import.meta.url);
