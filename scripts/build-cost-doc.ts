// `npm run cost:doc`: rewrites the generated tables of docs/COST.md from the cost model (infra/cost/),
// after a price or a measured input changed. test/infra/cost-model.test.ts fails until it is run.
import { readFileSync, writeFileSync } from 'node:fs';
import { fillCostDoc } from '../infra/cost/report.ts';

const path = new URL('../docs/COST.md', import.meta.url);
writeFileSync(path, fillCostDoc(readFileSync(path, 'utf8')));
