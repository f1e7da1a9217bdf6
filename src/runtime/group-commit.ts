/**
 * Group commit: callers submit one item each and await its result; items that arrive while a flush is running
 * are written together in the next flush. One multi-row statement per batch instead of one ORM call per row is
 * what lets intake keep up with thousands of messages a second (see README "Benchmark").
 */
export class GroupCommitter<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly opts: { maxBatch: number; concurrency: number },
  ) {}

  /** Queues one item; resolves with its result once its batch is durably written. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  /** Queues several items that must be written in the same batch. */
  submitAll(items: T[]): Promise<R[]> {
    return Promise.all(items.map((i) => this.submit(i)));
  }

  private kick(): void {
    if (this.running >= this.opts.concurrency || this.queue.length === 0) return;
    this.running++;
    // Let the current tick's submitters join the batch.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.opts.maxBatch);
        try {
          const results = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i] as R));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running--;
      this.kick();
    }
  }
}
