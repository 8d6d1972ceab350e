const settle = (): void => undefined;
const SETTLED: Promise<void> = Promise.resolve();

/**
 * The order of one device's sends (one socket). A send has two steps: its start (checks, id, the write
 * queued), which returns its finish (wait for the write, deliver, answer). A send starts once the one before
 * it has started and finishes once the one before it has finished, so a device's messages get increasing
 * ids and are delivered and acked in the order sent, while their writes overlap: a burst shares one commit
 * instead of waiting for one fsync per message. A failed send keeps its place and then lets the next go.
 */
export class SendOrder {
  /** Settles (never rejects) once the latest send has started. */
  private started = SETTLED;
  /** Settles (never rejects) once the latest send has finished. */
  private finished = SETTLED;

  /** Runs one send in its turn; settles as the send does, after every earlier send of the device. */
  run<T>(start: () => Promise<() => Promise<T>>): Promise<T> {
    const before = this.finished;
    const begun = this.started.then(start);
    const done = begun.then(
      (finish) => before.then(finish),
      (e: unknown) =>
        before.then(() => {
          throw e;
        }),
    );
    // Only that they settled is kept, not their values: an idle socket holds no message.
    this.started = begun.then(settle, settle);
    this.finished = done.then(settle, settle);
    return done;
  }
}
