import { EventEmitter } from "node:events";

/**
 * In-process wake-ups (new inbox rows, new replies for a web chat session, new outbox rows). Only a latency
 * optimisation: every loop also polls the database, so several instances on one PostgreSQL still see each other's work.
 */
export class LocalBus extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  inboxChanged(): void {
    this.emit("inbox");
  }
  outboxChanged(): void {
    this.emit("outbox");
  }
  jobsChanged(): void {
    this.emit("jobs");
  }
  conversationUpdated(conversationId: string): void {
    this.emit(`conv:${conversationId}`);
  }
  /** Resolves on the named event or after ms, whichever first. */
  waitFor(event: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.off(event, done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.once(event, done);
    });
  }
}
