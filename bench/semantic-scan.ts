// What one semantic cache lookup costs on the table's store (the bounded DynamoDB partition scan
// `npm start` and small deployments use, shared/store/semantic-entries.ts): a partition of N prompts
// of 1,536 dimensions (text-embedding-3-small's) in the embedded dynalite, `nearest` asked for new
// prompts; time per lookup, and the vector bytes each one reads. Run alone:
// `npx tsx bench/semantic-scan.ts` (docs/BENCHMARKS.md, section 5).
import { startEmbeddedDynamo } from '../local/embedded-dynamodb.ts';
import { CacheEntries } from '../shared/store/cache-entries.ts';
import { storeFromEnv } from '../shared/store/open.ts';
import { MAX_SCANNED, SemanticEntries } from '../shared/store/semantic-entries.ts';
import { summarize, type Summary } from './stats.ts';

const DIMENSIONS = 1536;
const ANSWER = { id: 'chatcmpl-bench', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }] };

export interface SemanticScan {
  prompts: number;
  /** Milliseconds per lookup. */
  millis: Summary;
  /** Vector bytes one lookup reads (the prompts compared, at most MAX_SCANNED). */
  bytesRead: number;
}

function randomVector(): Float32Array {
  const vector = new Float32Array(DIMENSIONS);
  for (let i = 0; i < DIMENSIONS; i++) vector[i] = Math.random() - 0.5;
  return vector;
}

export async function measureSemanticScan(sizes: number[], lookups: number): Promise<SemanticScan[]> {
  const dynamo = await startEmbeddedDynamo();
  try {
    const store = storeFromEnv({ endpoint: dynamo.endpoint, env: (name) => (name === 'TOLLGATE_MAX_DB_WAIT_MS' ? '600000' : undefined) });
    await store.createTableIfMissing();
    const semantic = new SemanticEntries(store, new CacheEntries(store));
    const results: SemanticScan[] = [];
    for (const prompts of sizes) {
      const partition = `bench-${prompts}`;
      const now = Date.now();
      for (let i = 0; i < prompts; i++) {
        await semantic.put('', partition, i.toString(16).padStart(64, '0'), randomVector(), { value: ANSWER, createdMs: now, expiresMs: now + 3_600_000, cost: 0.001 });
      }
      const samples: number[] = [];
      for (let i = 0; i < lookups + 3; i++) {
        const started = performance.now();
        // A threshold no random vector reaches: every prompt is compared, as for a miss.
        await semantic.nearest('', partition, randomVector(), 0.99, Date.now());
        if (i >= 3) samples.push(performance.now() - started);
      }
      results.push({ prompts, millis: summarize(samples), bytesRead: Math.min(prompts, MAX_SCANNED) * DIMENSIONS * 4 });
    }
    return results;
  } finally {
    await dynamo.close();
  }
}

if (import.meta.main) {
  for (const { prompts, millis, bytesRead } of await measureSemanticScan([100, 1000], 30)) {
    console.log(`${prompts} prompts: p50 ${millis.p50.toFixed(1)} ms, p99 ${millis.p99.toFixed(1)} ms, ${(bytesRead / 1e6).toFixed(2)} MB of vectors read per lookup`);
  }
}
