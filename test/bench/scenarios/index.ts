import type { BenchOptions, ScenarioResult } from '../scenario-result';
import { bundles } from './bundles';
import { catchUp } from './catch-up';
import { conditionalPolling } from './conditional-polling';
import { freshness } from './freshness';
import { freshnessSweep } from './freshness-sweep';
import { loadTest } from './load-test';
import { pageApply } from './page-apply';
import { readApi } from './read-api';
import { tickLoopSimulation } from './tick-loop-simulation';

/** Every scenario the runner can start, by name (each runs in its own process). */
export const scenarioCatalogue = {
  bundles,
  'page-apply': pageApply,
  'catch-up': catchUp,
  freshness,
  'tick-loop-simulation': tickLoopSimulation,
  'freshness-sweep': freshnessSweep,
  'read-api': readApi,
  'conditional-polling': conditionalPolling,
  load: loadTest,
} satisfies Record<string, Scenario>;

/** A scenario gets the run's options and the figures measured by the scenarios before it. */
export type Scenario = (options: BenchOptions, measured: Record<string, number>) => Promise<ScenarioResult>;

export type ScenarioName = keyof typeof scenarioCatalogue;
