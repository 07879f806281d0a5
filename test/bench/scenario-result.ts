/** What one scenario hands back to the runner: named numbers, and the few facts needed to read them. */
export interface ScenarioResult {
  figures: Record<string, number>;
  /** Overrides of a figure's label when the run adds a detail (e.g. which function was slowest). */
  labels?: Record<string, string>;
  notes: string[];
}

export interface BenchOptions {
  quick: boolean;
}

/** Progress goes to stderr; stdout carries only the final table. */
export const progress = (line: string): void => {
  process.stderr.write(`  ${line}\n`);
};
