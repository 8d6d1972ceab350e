import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../common/app-error';
import { BullmqJobQueue } from '../queue/bullmq-job-queue';
import { JobQueue } from '../queue/job-queue';
import { COOKIE_SECONDS, DASHBOARD_COOKIE, DASHBOARD_PATHS, DashboardSessions } from './dashboard-sessions';

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The contract's error envelope, for the dashboards' own routes (they are outside Nest's filter). */
function refuse(res: Response, e: unknown, next: NextFunction): void {
  if (!(e instanceof AppError)) return next(e);
  res.status(e.status).json({ error: { code: e.code, message: e.message } });
}

/**
 * Bull Board at /admin/queues behind the dashboard cookie (DashboardSessions), and /admin/login that turns a
 * sign-in link into that cookie. Mounted only where DashboardSessions.enabled says so; answers whether it did.
 */
export function mountDashboards(app: INestApplication): boolean {
  const sessions = app.get(DashboardSessions, { strict: false });
  const queue = app.get(JobQueue, { strict: false });
  if (!sessions.enabled || !(queue instanceof BullmqJobQueue)) return false;

  const board = new ExpressAdapter().setBasePath(DASHBOARD_PATHS.queues);
  createBullBoard({
    queues: queue.dashboardQueues().map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'chat queues' } },
  });

  app.use(DASHBOARD_PATHS.login, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET') return next();
    sessions.cookieFor(req.query.ticket).then(
      (value) => {
        res.cookie(DASHBOARD_COOKIE, value, {
          httpOnly: true,
          sameSite: 'strict',
          secure: req.secure,
          path: '/admin',
          maxAge: COOKIE_SECONDS * 1000,
        });
        res.redirect(303, `${DASHBOARD_PATHS.queues}/`);
      },
      (e: unknown) => refuse(res, e, next),
    );
  });
  app.use(
    DASHBOARD_PATHS.queues,
    (req: Request, res: Response, next: NextFunction) => {
      sessions.admitCookie(cookie(req, DASHBOARD_COOKIE)).then(
        () => next(),
        (e: unknown) => refuse(res, e, next),
      );
    },
    board.getRouter(),
  );
  return true;
}
