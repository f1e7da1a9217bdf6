/** In-process latency and throughput figures (read by the benchmark and /readyz). Not a monitoring system. */
export class LatencyRecorder {
  private samples: number[] = [];
  private count = 0;
  constructor(private readonly max = 200_000) {}

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    this.count++;
    if (this.samples.length < this.max) this.samples.push(ms);
    else this.samples[this.count % this.max] = ms;
  }

  /** Percentile (0–100) of what was recorded, or null. */
  percentile(p: number): number | null {
    if (this.samples.length === 0) return null;
    const s = [...this.samples].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? null;
  }

  get total(): number {
    return this.count;
  }

  reset(): void {
    this.samples = [];
    this.count = 0;
  }
}

export interface RuntimeMetrics {
  /** Inbox receipt → reply committed to the log/outbox, per processed message. */
  replyQueued: LatencyRecorder;
  processed: number;
  failed: number;
  sent: number;
  dead: number;
}

/** Fresh metrics. */
export function createMetrics(): RuntimeMetrics {
  return { replyQueued: new LatencyRecorder(), processed: 0, failed: 0, sent: 0, dead: 0 };
}
