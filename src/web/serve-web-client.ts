import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build` puts the web chat (packages/web, built by Vite): dist/public beside the server. */
export const WEB_CLIENT_DIR = join(__dirname, '..', 'public');

/**
 * Serves the web chat at `/` (the `api` role): the hashed assets for a year, the page and the service worker
 * never from cache, so a new build reaches every browser on its next load. Only files that exist are
 * answered; everything else goes on to the API's routes.
 */
export function serveWebClient(app: NestExpressApplication, dir = WEB_CLIENT_DIR): void {
  if (!existsSync(join(dir, 'index.html'))) {
    app.use('/', (req: Request, res: Response, next: () => void) => {
      if (req.method !== 'GET' || req.path !== '/') return next();
      res
        .status(404)
        .type('text/plain')
        .send('The web chat is not built: run `npm run build`, then start the server again.\n');
    });
    return;
  }
  app.useStaticAssets(dir, {
    index: 'index.html',
    // The security headers (CSP and the rest) are common/security-headers.ts's, for every route.
    setHeaders: (res, path) => {
      const hashed = path.startsWith(join(dir, 'assets'));
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
