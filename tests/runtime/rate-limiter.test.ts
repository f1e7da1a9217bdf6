import { describe, expect, it } from "vitest";
import { createRateLimiter, type Clock } from "../../src/runtime/rate-limiter.js";

/** A manual clock: sleep() resolves only when advance() passes its due time. */
function fakeClock(): Clock & { advance(ms: number): Promise<void> } {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > target) break;
        timers.shift();
        now = next.at;
        next.resolve();
        await flush();
      }
      now = target;
      await flush();
    },
  };
}

/** Starts acquires and records the fake time at which each resolved. */
function track(clock: Clock, limiter: ReturnType<typeof createRateLimiter>, keys: string[]) {
  const done: { key: string; at: number; i: number }[] = [];
  keys.forEach((key, i) => void limiter.acquire(key).then(() => done.push({ key, at: clock.now(), i })));
  return done;
}

describe("createRateLimiter", () => {
  it("lets a burst through per key, then spaces calls at the per-key rate", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perKey: { rate: 1, burst: 3 }, global: { rate: 30, burst: 30 }, clock });
    const done = track(clock, limiter, ["a", "a", "a", "a", "a"]);
    await clock.advance(0);
    expect(done.map((d) => d.at)).toEqual([0, 0, 0]);
    await clock.advance(999);
    expect(done).toHaveLength(3);
    await clock.advance(1);
    expect(done.map((d) => d.at)).toEqual([0, 0, 0, 1000]);
    await clock.advance(1000);
    expect(done.map((d) => d.at)).toEqual([0, 0, 0, 1000, 2000]);
    // FIFO per key.
    expect(done.map((d) => d.i)).toEqual([0, 1, 2, 3, 4]);
  });

  it("does not let one busy key slow down another", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perKey: { rate: 1, burst: 1 }, global: { rate: 30, burst: 30 }, clock });
    const done = track(clock, limiter, ["a", "a", "a", "b"]);
    await clock.advance(0);
    expect(done.filter((d) => d.key === "b").map((d) => d.at)).toEqual([0]);
    await clock.advance(2000);
    expect(done.filter((d) => d.key === "a").map((d) => d.at)).toEqual([0, 1000, 2000]);
  });

  it("caps the overall rate across keys", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perKey: { rate: 1, burst: 1 }, global: { rate: 30, burst: 30 }, clock });
    const keys = Array.from({ length: 90 }, (_, i) => `chat${i}`);
    const done = track(clock, limiter, keys);
    await clock.advance(0);
    expect(done).toHaveLength(30);
    await clock.advance(1000);
    expect(done).toHaveLength(60);
    await clock.advance(1000);
    expect(done).toHaveLength(90);
    // In any 1 s window no more than burst + rate calls went out.
    for (const d of done) {
      const inWindow = done.filter((e) => e.at >= d.at && e.at < d.at + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(60);
    }
  });

  it("refills after a quiet period and forgets idle keys beyond the bound", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perKey: { rate: 1, burst: 2 }, global: { rate: 100, burst: 100 }, clock, maxIdleKeys: 3 });
    let done = track(clock, limiter, ["a", "a"]);
    await clock.advance(0);
    expect(done).toHaveLength(2);
    await clock.advance(5000);
    done = track(clock, limiter, ["a", "a"]);
    await clock.advance(0);
    expect(done).toHaveLength(2);
    await clock.advance(10_000);
    track(clock, limiter, ["b", "c", "d", "e"]);
    await clock.advance(10_000);
    track(clock, limiter, ["f"]);
    await clock.advance(0);
    expect(limiter.size()).toBeLessThanOrEqual(4);
  });

  it("rejects nonsense specs", () => {
    expect(() => createRateLimiter({ perKey: { rate: 0, burst: 1 }, global: { rate: 1, burst: 1 } })).toThrow(RangeError);
    expect(() => createRateLimiter({ perKey: { rate: 1, burst: 0 }, global: { rate: 1, burst: 1 } })).toThrow(RangeError);
  });
});
