/** The port: which 10-bit node id this process may stamp into ids right now. */
export abstract class NodeIdLease {
  /** The node id ids may carry at this moment, or undefined while none may be issued. */
  abstract current(): number | undefined;
  /** Resolves with the node id once ids may be issued again; rejects after `timeoutMs`. */
  abstract usable(timeoutMs: number): Promise<number>;
}

/** One process owns the embedded store, so it is node 0. */
export class FixedNodeIdLease extends NodeIdLease {
  current(): number {
    return 0;
  }

  usable(): Promise<number> {
    return Promise.resolve(0);
  }
}
