/**
 * A load worker (forked by the bench, one per `--workers`): holds its share of the sockets, runs the load plan
 * it is given and answers with counts and encoded histograms.
 */
import { LoadEngine } from './load-engine';
import type { FromWorker, ToWorker } from './protocol';
import { SocketFleet } from './socket-fleet';

const PROGRESS_MS = 1000;

function send(message: FromWorker): void {
  process.send?.(message);
}

let workerId = 0;
let engine: LoadEngine | undefined;
const fleet = new SocketFleet(
  (index, message) => engine?.onDelivery(index, message),
  (kind) => (kind === 'read' ? engine?.onReceipt() : engine?.onTyping()),
);

const progressTimer = setInterval(() => {
  const load = engine?.progress() ?? { offered: 0, acked: 0, delivered: 0, errors: 0, inflight: 0, reads: 0 };
  send({
    type: 'progress',
    progress: { connected: fleet.connected, disconnects: fleet.disconnects, ...load },
  });
}, PROGRESS_MS);

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'connect': {
      workerId = message.workerId;
      const started = Date.now();
      const r = await fleet.connect(message.sockets, message.concurrency);
      fleet.startHeartbeats(message.heartbeatMs);
      send({ type: 'connected', ...r, ms: Date.now() - started });
      return;
    }
    case 'load': {
      engine = new LoadEngine(workerId, fleet.sockets, message.plan);
      send({ type: 'result', result: await engine.execute() });
      return;
    }
    case 'close':
      fleet.close();
      clearInterval(progressTimer);
      send({ type: 'closed' });
      process.disconnect?.();
      return;
  }
}

if (!process.send) {
  console.error('load-worker is started by the bench (node dist/bench/main.js), not on its own');
  process.exit(2);
}
process.on('message', (m: ToWorker) => {
  handle(m).catch((e: unknown) =>
    send({ type: 'fatal', error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
// The parent is gone (or done with us): close the sockets and leave, whatever still holds the loop.
process.on('disconnect', () => {
  fleet.close();
  clearInterval(progressTimer);
  setTimeout(() => process.exit(0), 1000).unref();
});
