/**
 * The faults tests can inject into a server started with CHAT_TEST_HOOKS=1 (which loads FaultInjectionModule),
 * each switched on for one message by a prefix. Without that setting no code of this folder is loaded.
 */
export const FAULTS = {
  /** clientMsgId prefix: the first write of the send is durable, then the send never completes (no ack, no
   *  delivery), as if the process had died right after the write. A resend of the same clientMsgId works. */
  dropAfterWrite: 'test:drop-after-write:',
  /** Content prefix of a group message: its fan-out writes half the members' inboxes, then stops forever. */
  pauseFanout: 'test:pause-fanout',
  /** Content prefix of a group message: its fan-out job fails every attempt it is given, then succeeds once
   *  retried (by an admin). */
  failFanout: 'test:fail-fanout',
} as const;

/** The line a paused fan-out logs, which a test waits for before it kills the worker. */
export const FANOUT_PAUSED = 'fault injection: fan-out paused halfway';
