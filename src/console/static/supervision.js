/* Console: the shift overview for managers and supervisors (staff with their state and
   caseload, live cases with handling times, the queue with waiting times, reassign), a
   supervisor's read-only view of a live chat (the counsellor sees it), and the counsellor's
   wrap-up status in the header. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText, fmtWait, dangerBadge } = CX;
  const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] != null ? String(vars[k]) : m));
  const th = (key) => el('th', { text: t(key) });
  let watching = null;
  let renew = null;

  function staffRow(c, now) {
    const wrapping = c.online && c.wrapUpUntil;
    const state = wrapping ? t('o.wrapup') + ' (' + clock(new Date(c.wrapUpUntil).getTime() - now) + ')' : c.online ? t('o.on') : t('o.off');
    return el('tr', { 'data-user': c.username }, el('td', { text: c.username }), el('td', { text: CX.label('staffRole', c.role) }),
      el('td', {}, el('span', { class: 'badge' + (c.online ? (wrapping ? ' wrap' : ' on') : ''), text: state })), el('td', { text: c.load + ' / ' + c.limit }));
  }
  function reassignPicker(c, staff) {
    const others = staff.filter((p) => p.online && p.username !== c.counsellorId);
    const sel = el('select', { 'aria-label': t('o.reassign_to'), class: 'reassign-to' }, ...others.map((p) => el('option', { value: p.username, disabled: p.wrapUpUntil ? 'disabled' : false, text: fill(t(p.wrapUpUntil ? 'o.free_wrapup' : 'o.free'), { name: p.username, n: Math.max(0, p.limit - p.load) }) })));
    if (!others.length) sel.append(el('option', { value: '', text: t('o.nobody_free') }));
    const go = el('button', { type: 'button', class: 'reassign', text: t('m.reassign'), disabled: others.length ? false : 'disabled', onclick: async () => {
      const x = await api('POST', '/manager/cases/' + encodeURIComponent(c.hid) + '/reassign', { to: sel.value });
      $('manager-msg').textContent = x.ok ? '' : errText(x);
      loadOverview(true);
    } });
    return [sel, ' ', go];
  }
  async function loadOverview(bg) {
    const r = await api('GET', '/manager/overview', undefined, bg);
    if (!r.ok) return;
    const o = r.data; const now = Date.now();
    $('m-counsellors').replaceChildren(...o.counsellors.map((c) => staffRow(c, now)));
    $('m-staff-empty').classList.toggle('hidden', o.counsellors.length > 0);
    const sup = S.me && S.me.role === 'supervisor';
    $('m-active').replaceChildren(...o.active.map((c) => el('tr', { 'data-hid': c.hid },
      el('td', {}, c.danger ? dangerBadge() : null), el('td', { text: CX.label('channel', c.channel) + ' · ' + CX.label('language', c.lang) }), el('td', { text: c.counsellorId || '–' }),
      el('td', { text: fmtWait(c.waitedMs) }), el('td', { text: fmtWait(c.handledMs) }),
      el('td', {}, ...reassignPicker(c, o.counsellors)),
      el('td', {}, sup && c.counsellorId !== S.me.username ? el('button', { type: 'button', class: 'watch', text: t('o.view'), onclick: () => watch(c.hid, c.counsellorId) }) : null))));
    $('m-active-empty').classList.toggle('hidden', o.active.length > 0);
    $('m-queue').replaceChildren(...o.queue.map((q) => el('tr', {}, el('td', {}, q.danger ? dangerBadge() : null), el('td', { text: CX.label('channel', q.channel) + ' · ' + CX.label('language', q.lang) }),
      el('td', { text: fmtWait(q.waitedMs) }), el('td', { text: (q.answers.topics || []).map((x) => CX.label('topic', x)).join(', ') || '–' }))));
    $('m-queue-empty').classList.toggle('hidden', o.queue.length > 0);
    if (watching && !o.active.some((c) => c.hid === watching)) stopWatching(false);
  }

  async function watch(hid, counsellor) {
    if (watching && watching !== hid) await stopWatching(true);
    const r = await api('POST', '/supervision/cases/' + encodeURIComponent(hid) + '/watch', {});
    if (!r.ok) { $('manager-msg').textContent = errText(r); return; }
    watching = hid;
    $('monitor').classList.remove('hidden');
    $('mon-note').textContent = fill(t('mon.note'), { name: counsellor });
    $('mon-messages').replaceChildren();
    await loadMonitor(false);
    // Reading renews the view; the counsellor's banner fades two minutes after the last read.
    if (renew) clearInterval(renew);
    renew = setInterval(() => { if (watching) loadMonitor(true); }, 30000);
    $('monitor').scrollIntoView({ block: 'nearest' });
  }
  async function loadMonitor(bg) {
    if (!watching) return;
    const hid = watching;
    const r = await api('GET', '/supervision/cases/' + encodeURIComponent(hid) + '/messages', undefined, bg);
    if (!r.ok || hid !== watching) return;
    $('mon-messages').replaceChildren(...r.data.messages.map((m) => el('li', { class: 'from-' + m.from, 'data-seq': m.seq },
      // "You claimed the case" is the counsellor's row; the supervisor reads who claimed it.
      m.from === 'system' ? fill(t(m.text === 'joined' ? 'mon.joined' : 'sys.' + m.text), { name: m.counsellorId || '' }) : m.text)));
    $('mon-messages').scrollTop = $('mon-messages').scrollHeight;
  }
  async function stopWatching(tell) {
    const hid = watching;
    watching = null;
    if (renew) { clearInterval(renew); renew = null; }
    $('monitor').classList.add('hidden');
    $('mon-messages').replaceChildren();
    if (tell && hid) await api('POST', '/supervision/cases/' + encodeURIComponent(hid) + '/unwatch', {});
  }

  /* Wrap-up after closing a case: the time left, in the header, with "end now". */
  let wrapUntil = 0;
  let ticker = null;
  function clock(ms) { const s = Math.max(0, Math.ceil(ms / 1000)); return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0'); }
  function tick() {
    const left = wrapUntil - Date.now();
    $('wrapup').classList.toggle('hidden', left <= 0);
    if (left <= 0) { if (ticker) { clearInterval(ticker); ticker = null; } return; }
    $('wrapup-text').textContent = fill(t('wrap.status'), { t: clock(left) });
    $('wrapup').title = t('wrap.hint');
  }
  async function loadWrapup() {
    if (!CX.isCounselling(S.me)) return;
    const r = await api('GET', '/wrapup', undefined, true);
    if (!r.ok) return;
    wrapUntil = r.data.until ? Date.now() + r.data.leftMs : 0;
    tick();
    if (wrapUntil && !ticker) ticker = setInterval(tick, 1000);
  }

  CX.views.manager = loadOverview;
  CX.loadWrapup = loadWrapup;
  CX.on('start', () => { watching = null; loadWrapup(); });
  CX.on('change', (c) => {
    if (watching && c.hid === watching && (c.kind === 'message' || c.kind === 'case')) loadMonitor(true);
    if (c.kind === 'case' || c.kind === 'presence') loadWrapup();
  });
  CX.on('ready', () => {
    $('mon-stop').addEventListener('click', () => stopWatching(true));
    $('wrapup-end').addEventListener('click', async () => { await api('POST', '/wrapup/end', {}); wrapUntil = 0; tick(); });
  });
}());
