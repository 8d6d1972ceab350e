/** The port: which 10-bit node id this process may stamp into ids right now (undefined: none). */
export abstract class NodeIdLease {
  abstract current(): number | undefined;
}

/** One process owns the embedded store, so it is node 0. */
export class FixedNodeIdLease extends NodeIdLease {
  current(): number {
    return 0;
  }
}
