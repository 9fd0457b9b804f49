/**
 * Report pages and API, WITHOUT auth: the console mounts this router at /console/reports
 * behind requireRole('manager', 'admin'). Everything here is suppressed before it leaves.
 *   GET /                      printable page (?period=&province=&channel= or ?snapshot=month:2026-03)
 *   GET /api/report            JSON of a live report
 *   GET /api/snapshots         list of snapshots; /api/snapshots/:kind/:period one snapshot
 *   GET /export.csv            CSV (UTF-8 with BOM), same query as the page
 *   GET /static/reports.css    the page's style sheet
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Request, Response } from 'express';
import { addMonths, monthOf } from '../cases';
import { REPO_ROOT } from '../db/devdb';
import { toCsv } from './csv';
import { renderPage } from './page';
import type { PeriodKind } from './period';
import { liveReport, parseFilters, ReportResult, snapshotReport, snapshots } from './service';

/** What the router needs from the Config. */
export interface ReportsRouterConfig {
  reportMinCell: number;
  tzReports: string;
}

const ERRORS: Record<string, { status: number; vi: string }> = {
  bad_period: { status: 400, vi: 'Kỳ báo cáo không hợp lệ (dùng YYYY-MM, YYYY-H1, YYYY-H2 hoặc YYYY).' },
  bad_filter: { status: 400, vi: 'Bộ lọc không hợp lệ.' },
  not_found: { status: 404, vi: 'Không tìm thấy bản chốt.' },
};

let css: string | undefined;
function stylesheet(): string {
  css ??= readFileSync(path.join(REPO_ROOT, 'src', 'reports', 'static', 'reports.css'), 'utf8');
  return css;
}

/** Build the reports router. */
export function createReportsRouter(cfg: ReportsRouterConfig): express.Router {
  const router = express.Router();
  const k = cfg.reportMinCell;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

  /** Resolve the query to a report (live or snapshot). */
  async function resolve(req: Request): Promise<ReportResult> {
    const snap = str(req.query.snapshot);
    if (snap) {
      const m = /^(month|half|year):([0-9H-]{4,7})$/.exec(snap);
      return m ? snapshotReport(m[1] as PeriodKind, m[2]!, k) : { ok: false, code: 'bad_period' };
    }
    const filters = parseFilters(req.query);
    if (!filters) return { ok: false, code: 'bad_filter' };
    return liveReport(str(req.query.period) ?? addMonths(monthOf(new Date(), cfg.tzReports), -1), filters, k);
  }

  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: (e?: unknown) => void): void => {
    fn(req, res).catch(next);
  };

  router.get('/static/reports.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'private, max-age=3600').send(stylesheet());
  });

  router.get('/', wrap(async (req, res) => {
    const result = await resolve(req);
    const period = str(req.query.period) ?? addMonths(monthOf(new Date(), cfg.tzReports), -1);
    const html = renderPage({
      base: req.baseUrl,
      report: result.ok ? result.report : null,
      error: result.ok ? undefined : ERRORS[result.code]!.vi,
      query: { period, province: str(req.query.province), channel: str(req.query.channel), snapshot: str(req.query.snapshot) },
      snapshots: await snapshots(),
      tz: cfg.tzReports,
      consoleHref: `${req.baseUrl.replace(/\/reports$/, '')}/`,
    });
    res.status(result.ok ? 200 : ERRORS[result.code]!.status).set('Cache-Control', 'no-store').type('html').send(html);
  }));

  router.get('/api/report', wrap(async (req, res) => {
    const result = await resolve(req);
    if (!result.ok) { res.status(ERRORS[result.code]!.status).json({ error: result.code }); return; }
    res.set('Cache-Control', 'no-store').json(result.report);
  }));

  router.get('/api/snapshots', wrap(async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ snapshots: await snapshots() });
  }));

  router.get('/api/snapshots/:kind/:period', wrap(async (req, res) => {
    const kind = String(req.params.kind);
    if (!['month', 'half', 'year'].includes(kind)) { res.status(400).json({ error: 'bad_period' }); return; }
    const result = await snapshotReport(kind as PeriodKind, String(req.params.period), k);
    if (!result.ok) { res.status(ERRORS[result.code]!.status).json({ error: result.code }); return; }
    res.set('Cache-Control', 'no-store').json(result.report);
  }));

  router.get('/export.csv', wrap(async (req, res) => {
    const result = await resolve(req);
    if (!result.ok) { res.status(ERRORS[result.code]!.status).type('text/plain').send(ERRORS[result.code]!.vi); return; }
    const r = result.report;
    const name = `bao-cao-${r.period}${r.filters.province ? `-${r.filters.province}` : ''}${r.filters.channel ? `-${r.filters.channel}` : ''}.csv`;
    res.set('Content-Type', 'text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${name}"`).set('Cache-Control', 'no-store');
    res.send(toCsv(r));
  }));

  return router;
}
