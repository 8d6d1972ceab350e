/** A small typed event emitter that runs in browsers and Node alike. */
export class Emitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a listener; answers a function that removes it. */
  on<E extends keyof Events>(event: E, fn: Events[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => this.off(event, fn);
  }

  off<E extends keyof Events>(event: E, fn: Events[E]): void {
    this.listeners.get(event)?.delete(fn);
  }

  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        (fn as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (e) {
        // A listener's bug must not stop the others nor the client's own bookkeeping.
        console.error(e);
      }
    }
  }
}
