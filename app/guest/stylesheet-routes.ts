import { Router } from 'express';
import { sendEncoded } from '../compressed';
import { HttpError } from '../errors';
import { builtStylesheet } from './stylesheets';

// Apart from stylesheets.ts, which the drivers' pages use: `stats` loads the drivers, and Express is a tenth of a second to load.
export function stylesheetRoutes(): Router {
  const router = Router();
  router.get('/style/:name', (req, res) => {
    const sheet = builtStylesheet(req.params.name);
    if (!sheet) throw new HttpError(404, 'There is no stylesheet at this address.');
    res.set({
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${req.params.name}"`,
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    sendEncoded(req, res, () => sheet.gzip, () => sheet.identity);
  });
  return router;
}
