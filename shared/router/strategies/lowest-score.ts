// The tie-break every scoring strategy shares.
import type { Deployment } from '../../config/types.ts';

/** The candidates sharing the lowest score, one of them at random. */
export function lowestScore(candidates: Deployment[], score: (deployment: Deployment) => number, random: () => number): Deployment {
  const scores = candidates.map(score);
  const best = Math.min(...scores);
  const tied = candidates.filter((_, i) => scores[i] === best);
  return tied[Math.floor(random() * tied.length)]!;
}
