// Work a run does not wait for: a stage's data tests, its cache writes and its log line run in order, on a second
// connection (the other core), while the next stage runs. The first failure is kept: the run stops at the next
// stage boundary and reports it, since it belongs to an earlier stage than anything the main line hit since.

export class SideWork {
  private queue: Promise<void> = Promise.resolve();
  /** the first failure of the side work (or of work reported to it with fail()) */
  error: Error | undefined;

  /** Queue work after everything queued before it. */
  later(work: () => Promise<void> | void): void {
    this.queue = this.queue.then(work);
    this.queue.catch((e: Error) => this.fail(e));
  }

  fail(e: Error): void {
    this.error ??= e;
  }

  /** Wait for everything queued; throw the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    if (this.error) throw this.error;
  }

  /** Wait for everything queued, whatever its outcome (before closing the connection it runs on). */
  async settle(): Promise<void> {
    await this.queue.catch(() => {});
  }
}
