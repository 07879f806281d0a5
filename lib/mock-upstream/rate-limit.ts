/**
 * The Transaction API's limit: at most `calls` admitted requests in any sliding window of
 * `windowMs`. Only admitted requests count, so a client that waits for Retry-After gets in.
 * State lives in memory: one limiter per process (per Lambda container when deployed).
 */
export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export class SlidingWindowLimit {
  private readonly admittedAt: number[] = [];

  constructor(
    readonly calls: number,
    readonly windowMs: number,
  ) {}

  admit(nowMs: number): Admission {
    while (this.admittedAt.length > 0 && this.admittedAt[0]! <= nowMs - this.windowMs) this.admittedAt.shift();
    if (this.admittedAt.length < this.calls) {
      this.admittedAt.push(nowMs);
      return { admitted: true };
    }
    const freeAtMs = this.admittedAt[0]! + this.windowMs;
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAtMs - nowMs) / 1000)) };
  }
}
