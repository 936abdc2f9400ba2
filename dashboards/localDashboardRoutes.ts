import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Context, Hono } from 'hono';
import { localCell } from '../cells/cells.config.ts';
import type { CellDefinition } from '../cells/definition.ts';
import { ERROR_CODES, type ErrorResponse } from '../schemas/errorResponse.ts';
import type { HealthReport } from '../schemas/healthReport.ts';
import { INVOICE_ID_PATTERN, INVOICE_ID_RULE } from '../schemas/invoiceEvent.ts';
import { STAGES, type Stage } from '../schemas/stages.ts';
import { DashboardError, UnknownViewError } from './errors.ts';
import { DashboardQueries, type DashboardStore } from './queries.ts';
import { queueDepthsFromHealth } from './queueDepths.ts';
import { renderDashboardPage } from './renderDashboardPage.ts';
import { parseTimeRange } from './timeRange.ts';
import { isViewId, VIEW_IDS } from './views.ts';
import { WorkerQueryStore } from './WorkerQueryStore.ts';

export interface DashboardRoutesOptions {
  /** The local Timestream store (`TimestreamStore`), read through its `invoice_events` view. */
  readonly store: DashboardStore & { readonly path?: string };
  /**
   * Run the queries on a worker thread with its own read-only connection (needs the store's file
   * `path`), so a heavy view never stalls the cell's event loop.
   * @default true
   */
  readonly offload?: boolean;
  /** The cell's health report; the operations view reads queue and DLQ depths from it. */
  readonly health?: () => Promise<HealthReport>;
  /** SLAs and first consumers per stage come from here. @default localCell() */
  readonly cell?: CellDefinition;
  /** @default Date.now */
  readonly now?: () => number;
}

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Assets served from disk: our own browser modules and stylesheets in `assets/` (the page loads
 * `dashboard.js` and `dashboard.css`, which import the others by relative URL), and Chart.js from
 * node_modules (works offline). Only the files found there are served, by name, so no request reaches another.
 */
function dashboardAssets(): Record<string, { readonly path: () => string; readonly type: string }> {
  const own = readdirSync(ASSETS_DIR).filter((name) => Object.hasOwn(CONTENT_TYPES, extname(name)));
  return {
    ...Object.fromEntries(
      own.map((name) => [name, { path: () => join(ASSETS_DIR, name), type: CONTENT_TYPES[extname(name)]! }]),
    ),
    // chart.js exports only its ES entry point; the UMD build sits next to it in dist/.
    'chart.umd.min.js': {
      path: () => join(dirname(fileURLToPath(import.meta.resolve('chart.js'))), 'chart.umd.min.js'),
      type: 'text/javascript; charset=utf-8',
    },
  };
}

/** Same-origin only: the page loads nothing from elsewhere, so nothing else is allowed. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function errorJson(c: Context, error: DashboardError) {
  const body: ErrorResponse = {
    code: error.code,
    message: error.message,
    ...('issues' in error && Array.isArray(error.issues) && error.issues.length ? { issues: error.issues } : {}),
  };
  return c.json(body, error.status);
}

/** JSON of a query, or its error as an ErrorResponse; unexpected errors go on to the app's error handler. */
async function answer(c: Context, run: () => Promise<object>) {
  try {
    const body = await run();
    c.header('cache-control', 'no-store');
    return c.json(body);
  } catch (error) {
    if (error instanceof DashboardError) return errorJson(c, error);
    throw error;
  }
}

/**
 * The local dashboard as a hono sub-app: `GET /dashboard` (the page), `/dashboard/assets/*`, and the
 * JSON query endpoints `GET /api/views/:view?from=&to=&bucket=&range=&currency=` and
 * `GET /api/invoices/:invoiceId/timeline` that the page and the tests call. Mount it with
 * `app.route('/', dashboardRoutes({ store, health }))`.
 *
 * The routes are read-only and take no API key: the local cell listens on loopback, and the key
 * guards what upstream systems may write. On AWS the same views are QuickSight, with its own access.
 */
export function dashboardRoutes(options: DashboardRoutesOptions): Hono {
  const cell = options.cell ?? localCell();
  const now = options.now ?? Date.now;
  const health = options.health;
  const store =
    (options.offload ?? true) && typeof options.store.path === 'string'
      ? new WorkerQueryStore(options.store.path)
      : options.store;
  const queries = new DashboardQueries(store, {
    primaryConsumers: Object.fromEntries(STAGES.map((s) => [s, cell.stages[s].consumers[0]!.name])) as Record<
      Stage,
      string
    >,
    slaSecondsByStage: Object.fromEntries(STAGES.map((s) => [s, cell.stages[s].slaSeconds])) as Record<Stage, number>,
    visibilityTargetSeconds: cell.visibilityTargetSeconds,
    ...(health ? { queueDepths: async () => queueDepthsFromHealth(await health()) } : {}),
    now,
  });
  const page = renderDashboardPage({ cellId: cell.id, region: cell.region });
  const assets = dashboardAssets();
  const assetCache = new Map<string, string>();

  const app = new Hono();

  app.get('/dashboard', (c) => {
    c.header('content-security-policy', CONTENT_SECURITY_POLICY);
    c.header('cache-control', 'no-cache');
    return c.html(page);
  });
  app.get('/dashboard/', (c) => c.redirect('/dashboard', 301));

  app.get('/dashboard/assets/:name', async (c) => {
    const name = c.req.param('name');
    const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (!asset) return errorJson(c, new DashboardError(ERROR_CODES.notFound, 404, `no dashboard asset ${name}`));
    let text = assetCache.get(name);
    if (text === undefined) {
      text = await readFile(asset.path(), 'utf8');
      assetCache.set(name, text);
    }
    return c.body(text, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=300' });
  });

  app.get('/api/views/:view', async (c) => {
    const view = c.req.param('view');
    if (!isViewId(view)) return errorJson(c, new UnknownViewError(view, VIEW_IDS));
    return answer(c, async () => {
      const range = parseTimeRange(
        {
          from: c.req.query('from'),
          to: c.req.query('to'),
          bucket: c.req.query('bucket'),
          range: c.req.query('range'),
          currency: c.req.query('currency'),
        },
        now(),
      );
      return queries.view(view, range);
    });
  });

  app.get('/api/invoices/:invoiceId/timeline', async (c) => {
    const invoiceId = c.req.param('invoiceId');
    if (!INVOICE_ID_PATTERN.test(invoiceId)) {
      const body: ErrorResponse = {
        code: ERROR_CODES.validationFailed,
        message: 'invalid invoice id',
        issues: [{ path: 'invoiceId', message: INVOICE_ID_RULE }],
      };
      return c.json(body, 400);
    }
    return answer(c, () => queries.timeline(invoiceId));
  });

  return app;
}
