import type { BenchOptions, ScenarioResult } from '../scenario-result';
import { catchUp } from './catch-up';
import { freshness } from './freshness';
import { pageApply } from './page-apply';

/** Every scenario the runner can start, by name (each runs in its own process). */
export const scenarioCatalogue = {
  'page-apply': pageApply,
  'catch-up': catchUp,
  freshness,
} satisfies Record<string, (options: BenchOptions) => Promise<ScenarioResult>>;

export type ScenarioName = keyof typeof scenarioCatalogue;
