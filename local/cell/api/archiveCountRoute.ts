import { Hono } from 'hono';
import type { LocalArchive } from '../../worker/index.ts';

/** Where `bems replay` asks the local cell how many archived events a window holds. */
export const ARCHIVE_COUNT_PATH = '/local/archive/count';

/**
 * `GET /local/archive/count?archive=…&from=<ms>&to=<ms>&detailType=…` → `{ "count": n }`: the exact
 * number of archived events a replay of that window would read. Local only (AWS cannot count an
 * archive by time: the CLI uses the rules' MatchedEvents metric there). The archive's SQLite file is
 * held exclusively by the emulator, so the CLI cannot read it itself.
 */
export function archiveCountRoute(archive: Pick<LocalArchive, 'count'>): Hono {
  const app = new Hono();
  app.get(ARCHIVE_COUNT_PATH, async (c) => {
    const from = Number(c.req.query('from'));
    const to = Number(c.req.query('to'));
    const name = c.req.query('archive');
    if (!Number.isFinite(from) || !Number.isFinite(to) || !name) {
      return c.json({ code: 'BAD_REQUEST', message: 'archive, from and to (epoch ms) are required' }, 400);
    }
    const detailTypes = c.req.queries('detailType') ?? [];
    const count = await archive.count({
      archive: name,
      from: new Date(from),
      to: new Date(to),
      ...(detailTypes.length ? { detailTypes } : {}),
    });
    return c.json({ count });
  });
  return app;
}
