/**
 * Token-bucket rate limiting for platform senders (Telegram: ~1 msg/s per chat with short bursts, ~30 msg/s overall;
 * Messenger/Zalo have their own numbers). Generic over the key (chat id, page id…).
 *
 * Each acquire reserves a token and sleeps until it is due (tokens may go negative = queued reservations), so
 * callers are served FIFO per key without polling. A call first waits for its key's bucket and only then reserves
 * the global token, so a chat with a long backlog does not hold global capacity it cannot use yet.
 */

export interface BucketSpec {
  /** Tokens added per second. */
  rate: number;
  /** Bucket size: how many calls may go at once after a quiet period. */
  burst: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RateLimiterOptions {
  perKey: BucketSpec;
  global: BucketSpec;
  /** Injected for tests; defaults to Date.now and setTimeout. */
  clock?: Clock;
  /** Idle per-key buckets are forgotten once more than this many keys are tracked (memory bound). */
  maxIdleKeys?: number;
}

export interface RateLimiter {
  /** Resolves when one call for `key` may go out under both the per-key and the global limit. */
  acquire(key: string): Promise<void>;
  /** Number of keys currently tracked (for tests and metrics). */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Real time; tests inject a fake clock instead. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Creates a limiter enforcing a per-key and a global token bucket (rates in tokens per second). */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  validate("perKey", options.perKey);
  validate("global", options.global);
  const clock = options.clock ?? systemClock;
  const maxIdleKeys = options.maxIdleKeys ?? 10_000;
  const keys = new Map<string, Bucket>();
  const global: Bucket = { tokens: options.global.burst, at: clock.now() };

  /** Takes one token (possibly into debt) and returns how long to wait until it is due. */
  function reserve(bucket: Bucket, spec: BucketSpec, now: number): number {
    refill(bucket, spec, now);
    bucket.tokens -= 1;
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens / spec.rate) * 1000);
  }

  function sweep(now: number): void {
    if (keys.size <= maxIdleKeys) return;
    for (const [key, bucket] of keys) {
      refill(bucket, options.perKey, now);
      // A full bucket is indistinguishable from a new one, so forgetting it changes nothing.
      if (bucket.tokens >= options.perKey.burst) keys.delete(key);
    }
  }

  return {
    async acquire(key) {
      const now = clock.now();
      let bucket = keys.get(key);
      if (!bucket) {
        sweep(now);
        bucket = { tokens: options.perKey.burst, at: now };
        keys.set(key, bucket);
      }
      const keyWait = reserve(bucket, options.perKey, now);
      if (keyWait > 0) await clock.sleep(keyWait);
      const globalWait = reserve(global, options.global, clock.now());
      if (globalWait > 0) await clock.sleep(globalWait);
    },
    size: () => keys.size,
  };
}

function refill(bucket: Bucket, spec: BucketSpec, now: number): void {
  const elapsed = Math.max(0, now - bucket.at) / 1000;
  bucket.tokens = Math.min(spec.burst, bucket.tokens + elapsed * spec.rate);
  bucket.at = Math.max(bucket.at, now);
}

function validate(name: string, spec: BucketSpec): void {
  if (!(spec.rate > 0) || !Number.isFinite(spec.rate)) throw new RangeError(`rate limiter ${name}.rate must be a positive number`);
  if (!(spec.burst >= 1) || !Number.isFinite(spec.burst)) throw new RangeError(`rate limiter ${name}.burst must be at least 1`);
}
