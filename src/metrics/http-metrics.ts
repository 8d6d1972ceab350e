import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service';

/** The label of a request no route matched: one series, whatever paths scanners try. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Counts and times every HTTP request by method, route pattern (`/api/channels/:channelId/messages`, never
 * the concrete path, so the label set stays bounded) and status, when its response is finished or aborted.
 */
export function httpMetrics(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const path = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
