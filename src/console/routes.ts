/**
 * The console's JSON API (mounted at /console/api). Every route names its guard; codes
 * from the handoff service map to HTTP statuses here and nowhere else (STYLE habit 7a).
 * Counsellors and supervisors take cases; a supervisor also views any live case read-only
 * (supervisionRoutes.ts, audited) and reassigns. A manager sees the overview (staff, queue,
 * times: never message text), reassigns, manages users and quick texts, reads reports; an
 * admin manages users and reads the audit log.
 */
import type { Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { FlowSet } from '../engine';
import { formatService, servicesFor } from '../engine';
import { BLOCK_REASONS } from '../handoff';
import { activeQuickTexts } from './quickTexts';
import type { HandoffService } from '../handoff';
import { CONTEXT_FLAGS, DispositionSchema, OUTCOMES, PERPETRATOR_RELATIONS, REFERRAL_CATEGORIES, VIOLENCE_TYPES } from '../cases';
import { audit, AUDIT_ACTIONS, searchAudit } from './audit';
import { startOfLocalDay } from './localDay';
import { anyUser, requireRole, SafeRouter, userOf } from './guard';
import type { StreamPresence } from './presence';
import { sseHandler } from './sse';
import { addUser, changePassword, listUsers, setDisabled, unlockUser } from './users';
import { fail, param } from './http';

/** Who takes cases and reads their own live chats. */
const counselling = () => requireRole('counsellor', 'supervisor');
/** Who manages users and reads the audit log. */
const managing = () => requireRole('manager', 'admin');
/** Who sees the live overview (no message text) and reassigns. */
const overseeing = () => requireRole('manager', 'supervisor');

/**
 * Request bodies and queries are parsed by zod before any query: a field that should be a
 * string or a number and arrives as an object ({"$gt": ""}) or an array is a 400, never
 * coerced (String(['x']) === 'x', Number(['5']) === 5).
 */
const TextBody = z.object({ text: z.string() });
const ToBody = z.object({ to: z.string().min(1).max(64) });
const BlockBody = z.object({ hours: z.number(), reason: z.enum(BLOCK_REASONS) });
const PresenceBody = z.object({ online: z.boolean() });
const NewUserBody = z.object({ username: z.string(), role: z.string(), password: z.string() });
const PasswordBody = z.object({ current: z.string().max(4096), password: z.string().max(4096) });
const count = z.string().regex(/^\d{1,7}$/).transform(Number);
const AfterQuery = z.object({ after: count.optional() });
const day = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
const AuditQuery = z.object({
  limit: count.optional(), skip: count.optional(), actor: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(), from: day.optional(), to: day.optional(),
}).strict().refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'] });

/** Parse with a schema; on failure answer 400 and return null. */
function parse<T>(schema: z.ZodType<T>, input: unknown, res: Response): T | null {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  res.status(400).json({ error: 'invalid', details: r.error.issues.map((i) => i.path.join('.')).slice(0, 10) });
  return null;
}

/** The disposition codes of the cases area, plus the optional note (sealed, never in the case record). */
const CloseBody = DispositionSchema.extend({ note: z.string().max(4000).optional() });
/** Outcomes a counsellor chooses ('abandoned'/'cancelled' are set by the handoff itself). */
const COUNSELLOR_OUTCOMES = OUTCOMES.filter((o) => o !== 'abandoned' && o !== 'cancelled');

/** What the routes need. */
export interface RouteDeps { handoff: HandoffService; flows?: FlowSet; hotlineNumber?: string; auditKey?: string; sessionSecret: string; presence?: StreamPresence; tz?: string }

/** The quick-insert items of a case in its language: the managed texts first (quickTexts.ts), then the directory. */
export type QuickItem = { label: string; text: string };

/** Register the API routes (auth routes are registered separately). */
export function registerRoutes(r: SafeRouter, deps: RouteDeps): void {
  const { handoff, flows } = deps;
  const provinceName = (code: string | null, lang: string) => {
    const p = code ? flows?.provinces.find((x) => x.code === code) : undefined;
    return p ? (lang === 'en' ? p.name.en : p.name.vi) : code;
  };

  r.get('/options', anyUser(), (_req, res) => {
    res.json({ violenceTypes: VIOLENCE_TYPES, contextFlags: CONTEXT_FLAGS, perpetratorRelations: PERPETRATOR_RELATIONS, referrals: REFERRAL_CATEGORIES, outcomes: COUNSELLOR_OUTCOMES, blockReasons: BLOCK_REASONS, auditActions: AUDIT_ACTIONS });
  });

  r.get('/events', anyUser(), sseHandler(handoff, deps.presence));

  r.get('/queue', counselling(), async (req, res) => {
    const lang = req.query.lang === 'en' ? 'en' : 'vi';
    const q = await handoff.queue();
    res.json({ lineOpen: handoff.lineOpen(), queue: q.map((x) => ({ ...x, provinceName: provinceName(x.answers.province, lang) })) });
  });

  r.post('/queue/:hid/claim', counselling(), async (req, res) => {
    const u = userOf(req);
    const out = await handoff.claim(u.username, param(req, 'hid'));
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'claim', out.case.hid, { danger: out.case.danger });
    res.json({ case: out.case });
  });

  r.get('/cases', counselling(), async (req, res) => {
    const cases = await handoff.myCases(userOf(req).username);
    // Who is viewing each case (a supervisor, read-only): the counsellor always knows.
    const watchers = await handoff.supervision.watchersOf(cases.map((c) => c.hid));
    res.json({ cases: cases.map((c) => ({ ...c, watchers: watchers[c.hid] ?? [] })) });
  });

  r.get('/cases/:hid/messages', counselling(), async (req, res) => {
    const q = parse(AfterQuery, req.query, res);
    if (!q) return;
    const out = await handoff.messages(userOf(req).username, param(req, 'hid'), q.after ?? 0);
    if (!out.ok) return fail(res, out.code);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ messages: out.messages });
  });

  r.post('/cases/:hid/messages', counselling(), async (req, res) => {
    const b = parse(TextBody, req.body, res);
    if (!b) return;
    const out = await handoff.send(userOf(req).username, param(req, 'hid'), b.text);
    if (!out.ok) return fail(res, out.code);
    res.json({ seq: out.seq });
  });

  r.get('/cases/:hid/quick', counselling(), async (req, res) => {
    const u = userOf(req);
    const c = await handoff.caseOf(param(req, 'hid'));
    if (!c || c.status !== 'active') return fail(res, 'not_found');
    if (c.counsellorId !== u.username) return fail(res, 'forbidden');
    const items: QuickItem[] = (await activeQuickTexts(flows, c.lang, deps.hotlineNumber)).map((q) => ({ label: q.label, text: q.text }));
    if (flows) {
      const s = servicesFor(flows.directory, c.answers?.province ?? 'national');
      for (const e of [...s.local.slice(0, 6), ...s.national.slice(0, 3)]) items.push({ label: c.lang === 'en' ? e.name.en : e.name.vi, text: formatService(e, c.lang) });
    }
    res.json({ items });
  });

  r.post('/cases/:hid/release', counselling(), async (req, res) => {
    const u = userOf(req);
    const out = await handoff.release(u.username, param(req, 'hid'));
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'release', param(req, 'hid'));
    res.json({ ok: true });
  });

  r.post('/cases/:hid/transfer', counselling(), async (req, res) => {
    const u = userOf(req);
    const b = parse(ToBody, req.body, res);
    if (!b) return;
    const { to } = b;
    const out = await handoff.transfer(u.username, param(req, 'hid'), to);
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'transfer', param(req, 'hid'), { from: out.from, to });
    res.json({ ok: true });
  });

  r.post('/cases/:hid/close', counselling(), async (req, res) => {
    const u = userOf(req);
    const body = CloseBody.safeParse(req.body ?? {});
    if (!body.success) return res.status(400).json({ error: 'invalid', details: body.error.issues.map((i) => i.path.join('.')).slice(0, 10) });
    const { note, ...d } = body.data;
    const out = await handoff.close(u.username, param(req, 'hid'), d, note);
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'close', param(req, 'hid'), { danger: out.danger, outcome: d.outcome });
    res.json({ ok: true, debrief: out.danger });
  });

  r.post('/cases/:hid/block', counselling(), async (req, res) => {
    const u = userOf(req);
    const b = parse(BlockBody, req.body, res);
    if (!b) return;
    const { hours, reason } = b;
    const c = await handoff.caseOf(param(req, 'hid'));
    if (c && u.role !== 'supervisor' && c.counsellorId !== u.username) return fail(res, 'forbidden');
    const out = await handoff.block(u.username, param(req, 'hid'), hours, reason);
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'block', out.pid, { hid: param(req, 'hid'), hours, reason, until: out.until });
    res.json({ until: out.until });
  });

  r.get('/followups', counselling(), async (_req, res) => { res.json({ lineOpen: handoff.lineOpen(), followUps: await handoff.followUps() }); });

  r.post('/followups/:fid/claim', counselling(), async (req, res) => {
    const u = userOf(req);
    const out = await handoff.claimFollowUp(u.username, param(req, 'fid'));
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'followup_claim', param(req, 'fid'), { hid: out.case.hid });
    res.json({ case: out.case });
  });

  r.post('/presence', counselling(), async (req, res) => {
    const u = userOf(req);
    const b = parse(PresenceBody, req.body, res);
    if (!b) return;
    const { online } = b;
    await handoff.setOnline(u.username, u.role, online);
    await audit(u.username, online ? 'online' : 'offline');
    res.json({ online });
  });

  r.get('/counsellors', counselling(), async (_req, res) => {
    const o = await handoff.overview();
    // `free`: places left (limit − open cases); `wrapUp`: wrapping up, no transfer reaches them yet.
    res.json({ counsellors: o.counsellors.map((c) => ({ username: c.username, online: c.online, free: Math.max(0, c.limit - c.load), wrapUp: !!c.wrapUpUntil })) });
  });

  r.get('/manager/overview', overseeing(), async (_req, res) => { res.json(await handoff.overview()); });

  r.post('/manager/cases/:hid/reassign', overseeing(), async (req, res) => {
    const u = userOf(req);
    const b = parse(ToBody, req.body, res);
    if (!b) return;
    const { to } = b;
    const out = await handoff.transfer(u.username, param(req, 'hid'), to, { asManager: true });
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'reassign', param(req, 'hid'), { from: out.from, to });
    res.json({ ok: true });
  });

  r.get('/audit', managing(), async (req, res) => {
    const q = parse(AuditQuery, req.query, res);
    if (!q) return;
    // Dates are whole local days (TZ_REPORTS): from its first minute up to the end of `to`.
    const tz = deps.tz ?? 'Asia/Ho_Chi_Minh';
    const limit = Math.min(q.limit || 200, 200);
    const skip = q.skip ?? 0;
    const filter = { actor: q.actor, action: q.action, from: q.from ? startOfLocalDay(q.from, tz, 0) : undefined, to: q.to ? startOfLocalDay(q.to, tz, 1) : undefined };
    res.json({ ...(await searchAudit(filter, limit, skip, deps.auditKey)), limit, skip });
  });

  // Managers manage counsellors only; admins manage everyone (users.canManage decides).
  r.get('/users', managing(), async (req, res) => { res.json({ users: await listUsers(deps.sessionSecret, userOf(req)) }); });

  // Log-in waits after failed guesses are lifted by an admin (a manager cannot unlock an admin's way in).
  r.post('/users/:username/unlock', requireRole('admin'), async (req, res) => {
    const out = await unlockUser(userOf(req).username, param(req, 'username'), deps.sessionSecret);
    if (!out.ok) return res.status(404).json({ error: out.code });
    res.json({ ok: true });
  });

  r.post('/users', managing(), async (req, res) => {
    const b = parse(NewUserBody, req.body, res);
    if (!b) return;
    const out = await addUser(userOf(req), b);
    if (!out.ok) return res.status(out.code === 'exists' ? 409 : out.code === 'forbidden' ? 403 : 400).json({ error: out.code, ...(out.reason ? { reason: out.reason } : {}) });
    res.status(201).json({ ok: true });
  });

  // Every user changes their own password; the current one is asked (a few tries per window).
  const passwordLimiter = rateLimit({ windowMs: 15 * 60_000, limit: 10, standardHeaders: 'draft-8', legacyHeaders: false, message: { error: 'too many attempts, try again later' } });
  r.post('/password', anyUser(), passwordLimiter, async (req, res) => {
    const b = parse(PasswordBody, req.body, res);
    if (!b) return;
    const out = await changePassword(userOf(req).username, b.current, b.password, req.sessionID);
    if (!out.ok) return res.status(out.code === 'wrong_password' ? 403 : 400).json({ error: out.code, ...(out.reason ? { reason: out.reason } : {}) });
    res.json({ ok: true });
  });

  for (const [path, disabled] of [['/users/:username/disable', true], ['/users/:username/enable', false]] as const) {
    r.post(path, managing(), async (req, res) => {
      const out = await setDisabled(userOf(req), param(req, 'username'), disabled);
      if (!out.ok) return res.status(out.code === 'forbidden' ? 403 : 404).json({ error: out.code });
      res.json({ ok: true });
    });
  }
}
