import type { Clock } from '../../lib/ingestion/tick-dependencies';

/** Time that moves only when told to (sleeping moves it too, instantly). */
export class FakeClock implements Clock {
  constructor(private current: number) {}
  nowMs = (): number => this.current;
  sleep = async (ms: number): Promise<void> => {
    this.current += Math.max(0, ms);
  };
  advance(ms: number): void {
    this.current += ms;
  }
}
