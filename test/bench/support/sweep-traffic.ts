import { DecimalText, transactionTypes } from '../../../lib/core/transaction';
import type { DatasetItem } from '../../../lib/mock-upstream/dataset';
import { hash32 } from '../../../lib/mock-upstream/seeded-random';

export interface TrafficPhase {
  durationMs: number;
  perMinute: number;
}

/**
 * Steady traffic through consecutive phases, every amount 1. A share of the items (`lateFraction`,
 * chosen by a hash of the id, so the same in every run) is listed only `lateSeconds` after its
 * createdAt, the rest at once.
 */
export function phasedTraffic(options: {
  fromMs: number;
  phases: TrafficPhase[];
  lateFraction: number;
  lateSeconds: [number, number];
  prefix: string;
}): DatasetItem[] {
  const items: DatasetItem[] = [];
  let phaseStart = options.fromMs;
  let n = 0;
  for (const phase of options.phases) {
    const stepMs = 60_000 / phase.perMinute;
    for (let i = 0; i * stepMs < phase.durationMs; i++, n++) {
      const at = phaseStart + Math.floor(i * stepMs);
      const id = `${options.prefix}-${n}`;
      const draw = hash32(id);
      const late = (draw % 1_000_000) / 1_000_000 < options.lateFraction;
      const [min, max] = options.lateSeconds;
      const visibleAt = late ? at + (min + ((draw >>> 20) % (max - min + 1))) * 1000 : undefined;
      items.push({
        at,
        id,
        visibleAt,
        record: { id, userId: `user-${n % 300}`, createdAt: new Date(at).toISOString(), type: transactionTypes[n % 4], amount: new DecimalText('1') },
      });
    }
    phaseStart += phase.durationMs;
  }
  return items;
}
