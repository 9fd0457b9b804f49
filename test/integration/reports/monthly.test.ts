/**
 * Cases → reports on the real embedded database: every March 2026 figure exactly, the
 * suppressed output (API, page, CSV), filters, the half-year summary, and the privacy of
 * case records (no free text, idempotent updates).
 */
import express from 'express';
import request from 'supertest';
import { createCases } from '../../../src/cases';
import { CaseChangeModel, CaseModel } from '../../../src/cases/store';
import type { EventContext } from '../../../src/conversations/types';
import type { EngineEvent } from '../../../src/engine';
import { buildReport, buildReportFromCases, createReportsRouter, parsePeriod, SECONDARY, suppressReport } from '../../../src/reports';
import type { RunningService } from '../../../src/server';
import { startTestService } from '../../support/service';
import { SECRET_TEXT, seedCases } from './seed';

const cellsOf = (cells: { code: string; count: number | string }[]) => Object.fromEntries(cells.filter((c) => c.count !== 0).map((c) => [c.code, c.count]));

describe('monthly report from seeded episodes', () => {
  let svc: RunningService & { cleanup(): void };
  let app: express.Express;
  beforeAll(async () => {
    svc = await startTestService();
    await seedCases(createCases({ episodeQuietDays: 7, tzReports: 'Asia/Ho_Chi_Minh' }));
    app = express();
    app.use('/console/reports', createReportsRouter({ reportMinCell: 5, tzReports: 'Asia/Ho_Chi_Minh' }));
  });
  afterAll(async () => {
    await svc.close();
    svc.cleanup();
  });

  it('stores one anonymised case per episode, with nothing from free text, whatever was replayed', async () => {
    const all = await CaseModel.find({}).lean();
    expect(all).toHaveLength(18);
    const json = JSON.stringify(all);
    expect(json).not.toContain('0912345678');
    expect(json).not.toContain('Hoa');
    expect(json).not.toContain(SECRET_TEXT);
    expect(json).not.toContain('not_a_category');
    expect(json).not.toContain('Hanoi city');
    expect(json).not.toContain('greeting'); // an understood intent is not kept, only that free text was read
    const a0 = all.filter((c) => c.pid === 'pidA0').sort((x, y) => x.seq - y.seq);
    expect(a0.map((c) => [c.seq, c.returning, c.month])).toEqual([[0, false, '2026-03'], [1, true, '2026-03']]);
    expect(a0[0]).toMatchObject({
      channel: 'telegram', province: 'ha-noi', role: 'affected', ageGroup: '18_29', gender: 'female', danger: true, escalated: true,
      answeredByCounsellor: true, waitSeconds: 60, handlingSeconds: 600, outcome: 'referred', closed: true,
      violenceTypes: ['physical_assault'], contextFlags: ['intimate_partner_family'], perpetratorRelation: 'intimate_partner',
      referrals: ['police'], topics: ['counsellor', 'rights_law'], freeText: true, notUnderstood: false,
    });
    expect(a0[1]).toMatchObject({ referrals: ['police', 'shelter'], province: 'ha-noi', escalated: false, freeText: true, notUnderstood: true });
    expect(all.find((c) => c.pid === 'pidB2')).toMatchObject({ freeText: true, notUnderstood: false, topics: ['helping_others', 'rights_law'] });
    expect(all.find((c) => c.pid === 'pidC0')).toMatchObject({ freeText: false, notUnderstood: false });
    expect(all.find((c) => c.pid === 'pidE')!.month).toBe('2026-03');
    expect(all.find((c) => c.pid === 'pidF')!.month).toBe('2026-04');
    expect(await createCases({ episodeQuietDays: 7, tzReports: 'Asia/Ho_Chi_Minh' }).currentCaseId('pidA0')).toBe(a0[1]!.caseId);
  });

  it('computes every March figure exactly', async () => {
    const r = await buildReport(parsePeriod('2026-03')!);
    expect(r.totals).toEqual({
      cases: 15, newPersons: 14, returningPersons: 1, danger: 6, escalated: 8, answeredByCounsellor: 6, abandoned: 2, freeText: 10, notUnderstood: 3,
    });
    expect(r.wait).toEqual({ samples: 6, median: 180, p90: 360, buckets: [60, 120, 180, 240, 300, 360].map((value) => ({ value, count: 1 })) });
    expect(cellsOf(r.dims.channel)).toEqual({ telegram: 7, zalo: 5, webchat: 3 });
    expect(cellsOf(r.dims.province)).toEqual({ 'ha-noi': 7, 'ho-chi-minh': 5, unknown: 3 });
    expect(r.dims.province).toHaveLength(35);
    expect(cellsOf(r.dims.violenceType)).toEqual({ physical_assault: 6, none: 9 });
    expect(cellsOf(r.dims.contextFlag)).toEqual({ intimate_partner_family: 6 });
    expect(cellsOf(r.dims.role)).toEqual({ affected: 6, helping: 5, unknown: 4 });
    expect(cellsOf(r.dims.ageGroup)).toEqual({ '18_29': 6, '30_49': 5, unknown: 4 });
    expect(cellsOf(r.dims.gender)).toEqual({ female: 6, unknown: 9 });
    expect(cellsOf(r.dims.outcome)).toEqual({ referred: 6, abandoned: 2, none: 7 });
    expect(cellsOf(r.dims.referral)).toEqual({ police: 7, shelter: 1, legal_aid: 5 });
    expect(cellsOf(r.dims.feedback)).toEqual({ helped: 5, none: 10 });
    expect(r.trend.map((c) => c.code)).toEqual(['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    expect(cellsOf(r.trend)).toEqual({ '2025-12': 1, '2026-03': 15 });
  });

  it('suppresses small cells and their subtraction partners', async () => {
    const s = suppressReport(await buildReport(parsePeriod('2026-03')!), 5);
    expect(s.totals).toEqual({
      cases: 15, newPersons: SECONDARY, returningPersons: '<5', danger: 6, escalated: 8, answeredByCounsellor: SECONDARY, abandoned: '<5',
      freeText: 10, notUnderstood: '<5',
    });
    expect(s.answeredShare).toBeNull();
    expect(s.notUnderstoodShare).toBeNull(); // 3 of 10: the 3 and the 7 understood are hidden
    expect(s.wait).toEqual({ samples: 6, median: 180, p90: 360 });
    expect(cellsOf(s.dims.channel)).toEqual({ telegram: 7, zalo: SECONDARY, webchat: '<5' });
    expect(cellsOf(s.dims.province)).toEqual({ 'ha-noi': 7, 'ho-chi-minh': SECONDARY, unknown: '<5' });
    expect(cellsOf(s.dims.outcome)).toEqual({ referred: SECONDARY, abandoned: '<5', none: 7 });
    expect(cellsOf(s.dims.referral)).toEqual({ police: 7, shelter: '<5', legal_aid: SECONDARY });
    expect(cellsOf(s.dims.violenceType)).toEqual({ physical_assault: 6, none: 9 });
    expect(cellsOf(s.trend)).toEqual({ '2025-12': '<5', '2026-03': 15 });
    // K is configurable: with K=3 the 2 abandoned handoffs are hidden, the 3 web chat cases are not.
    const k3 = suppressReport(await buildReport(parsePeriod('2026-03')!), 3);
    expect(k3.totals.abandoned).toBe('<3');
    expect(cellsOf(k3.dims.channel)).toEqual({ telegram: 7, zalo: 5, webchat: 3 });
  });

  it('filters by province and channel', async () => {
    const hcm = await buildReport(parsePeriod('2026-03')!, { province: 'ho-chi-minh' });
    expect(hcm.totals.cases).toBe(5);
    expect(cellsOf(hcm.dims.channel)).toEqual({ zalo: 5 });
    expect(cellsOf(hcm.trend)).toEqual({ '2026-03': 5 });
    const tg = await buildReport(parsePeriod('2026-03')!, { channel: 'telegram' });
    expect(tg.totals).toMatchObject({ cases: 7, danger: 6, escalated: 6, answeredByCounsellor: 6, returningPersons: 1, freeText: 7, notUnderstood: 1 });
  });

  it('builds the half-year and year summaries in the same shape', async () => {
    const h1 = await buildReport(parsePeriod('2026-H1')!);
    expect(h1.months).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
    expect(h1.totals).toEqual({
      cases: 16, newPersons: 15, returningPersons: 1, danger: 6, escalated: 8, answeredByCounsellor: 6, abandoned: 2, freeText: 11, notUnderstood: 4,
    });
    expect(cellsOf(h1.dims.channel)).toEqual({ telegram: 8, zalo: 5, webchat: 3 });
    expect(h1.trend.at(-1)).toEqual({ code: '2026-06', count: 0 });
    expect(cellsOf(h1.trend)).toEqual({ '2025-12': 1, '2026-03': 15, '2026-04': 1 });
    const y2025 = await buildReport(parsePeriod('2025')!);
    expect(y2025.totals).toMatchObject({ cases: 2, freeText: 1, notUnderstood: 0 });
    expect(Object.keys(y2025)).toEqual(Object.keys(h1));
  });

  it('serves the suppressed JSON, the printable page with SVG charts, and CSV with a BOM', async () => {
    const api = await request(app).get('/console/reports/api/report?period=2026-03');
    expect(api.status).toBe(200);
    expect(api.body.totals.returningPersons).toBe('<5');
    expect(api.body.dims.channel.find((c: { code: string }) => c.code === 'webchat').count).toBe('<5');
    expect(JSON.stringify(api.body)).not.toMatch(/pid/);

    expect((await request(app).get('/console/reports/api/report?period=2026-13')).status).toBe(400);
    expect((await request(app).get('/console/reports/api/report?period=2026-03&province=atlantis')).status).toBe(400);

    const page = await request(app).get('/console/reports/?period=2026-03&channel=telegram');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Tháng 03/2026');
    expect(page.text).toContain('<svg');
    expect(page.text).toContain('<polyline');
    expect(page.text).toContain('href="/console/reports/static/reports.css"');
    expect(page.text).toContain('/console/reports/export.csv?period=2026-03&amp;channel=telegram');
    expect(page.text).not.toMatch(/<script|style=/);
    const css = await request(app).get('/console/reports/static/reports.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.text).toContain('@media print');

    const csv = await request(app).get('/console/reports/export.csv?period=2026-03').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain('bao-cao-2026-03.csv');
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('tong,cases,Tổng số ca,15');
    expect(text).toContain('channel,webchat,Theo kênh: Trò chuyện trên web,<5');
    expect(text).toContain('channel,zalo,Theo kênh: Zalo,x');
  });

  it('counts free text and what was not understood per case, with the share, on the page and in the CSV', async () => {
    const cases = createCases({ episodeQuietDays: 7, tzReports: 'Asia/Ho_Chi_Minh' });
    const t0 = Date.parse('2024-05-06T03:00:00Z');
    let u = 0;
    const at = (pid: string, min: number): EventContext => ({ pid, channel: 'zalo', lang: 'vi', at: new Date(t0 + min * 60_000), vars: {}, status: 'bot', updateId: `ft${++u}` });
    const markers = (pid: string) => CaseChangeModel.countDocuments({ p: pid });
    const understood: EngineEvent = { type: 'understood', intent: 'rights_law' };
    for (let i = 0; i < 5; i++) {
      await cases.onEvents(at(`ftU${i}`, i), [understood]); // understood only
      await cases.onEvents(at(`ftN${i}`, i), [{ type: 'not_understood' }]); // not understood …
      await cases.onEvents(at(`ftN${i}`, i), [{ type: 'not_understood' }]); // … and the update handed over again
      await cases.onEvents(at(`ftM${i}`, i), [{ type: 'topic', topic: 'main' }]); // buttons only: no free text
    }
    await cases.onEvents(at('ftC', 0), [{ type: 'clarify', topics: ['rights_law', 'is_violence'] }]);
    // Understood, understood again (a flag already set: no write at all), then not understood (one write).
    await cases.onEvents(at('ftUN', 0), [understood]);
    const before = await markers('ftUN');
    await cases.onEvents(at('ftUN', 5), [understood]);
    expect(await markers('ftUN')).toBe(before);
    await cases.onEvents(at('ftUN', 10), [{ type: 'not_understood' }]);
    expect(await markers('ftUN')).toBe(before + 1);
    await cases.onEvents(at('ftUN', 15), [{ type: 'not_understood' }, understood]);
    expect(await markers('ftUN')).toBe(before + 1);

    const may = parsePeriod('2024-05')!;
    const r = await buildReport(may);
    expect(r.totals).toMatchObject({ cases: 17, freeText: 12, notUnderstood: 6 });
    expect((await buildReportFromCases(may, {}, new Date(r.generatedAt))).totals).toEqual(r.totals);
    const s = suppressReport(r, 5);
    expect(s.totals).toMatchObject({ freeText: 12, notUnderstood: 6 });
    expect(s.notUnderstoodShare).toBe(50);
    expect(suppressReport(r, 7).notUnderstoodShare).toBeNull(); // 5 cases without free text are hidden, so is the rest

    const page = await request(app).get('/console/reports/?period=2024-05');
    expect(page.text).toContain('<tr><th>Ca có tin nhắn tự do</th><td class="num">12</td></tr>');
    expect(page.text).toContain('<tr><th>Ca bot chưa hiểu tin nhắn</th><td class="num">6</td></tr>');
    expect(page.text).toContain('<tr><th>Tỉ lệ chưa hiểu (%)</th><td class="num">50</td></tr>');
    const csv = await request(app).get('/console/reports/export.csv?period=2024-05');
    expect(csv.text).toContain('tong,freeText,Ca có tin nhắn tự do,12');
    expect(csv.text).toContain('tong,notUnderstood,Ca bot chưa hiểu tin nhắn,6');
    expect(csv.text).toContain('tong,notUnderstoodShare,Tỉ lệ chưa hiểu (%),50');
    const api = await request(app).get('/console/reports/api/report?period=2024-05');
    expect(api.body).toMatchObject({ totals: { freeText: 12, notUnderstood: 6 }, notUnderstoodShare: 50 });
  });
});
