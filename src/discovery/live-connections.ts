import type { MetricsService } from '../metrics/metrics.service';

/** The live Socket.IO connections of this process, as the gateway counts them in its gauge. */
export async function liveConnections(metrics: MetricsService): Promise<number> {
  const { values } = await metrics.connections.get();
  return Math.max(
    0,
    values.reduce((sum, v) => sum + v.value, 0),
  );
}
