/* Console: the audit log, users and the password form (the shift overview is in supervision.js). */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText, label, localTime } = CX;
  // The audit page: filters (user, action, local days) and server-side pages of PAGE rows.
  const PAGE = 50;
  const audit = { skip: 0, total: 0 };
  function auditQuery() {
    const p = new URLSearchParams({ limit: String(PAGE), skip: String(audit.skip) });
    for (const [k, id] of [['actor', 'a-actor'], ['action', 'a-action'], ['from', 'a-from'], ['to', 'a-to']]) { const v = $(id).value.trim(); if (v) p.set(k, v); }
    return '/audit?' + p.toString();
  }
  /** What an entry's detail says, in words: from/to, outcome, danger, hours, network; never message text. */
  function auditDetail(e) {
    const d = e.detail || {};
    const out = [];
    if (d.from) out.push(t('a.from_user') + ' ' + d.from);
    if (d.to) out.push(t('a.to_user') + ' ' + d.to);
    if (d.outcome) out.push(t('close.outcome') + ': ' + label('outcome', d.outcome));
    if (d.danger) out.push(t('q.danger'));
    if (d.hours) out.push(t('a.hours') + ': ' + d.hours);
    if (d.until) out.push(t('a.until') + ' ' + localTime(d.until));
    if (d.hid && e.action !== 'claim') out.push(t('a.case') + ' ' + String(d.hid).slice(0, 8));
    if (d.author) out.push(t('a.author') + ' ' + d.author);
    if (d.net) out.push(t('a.net') + ' ' + d.net);
    return out.join(' · ');
  }
  function auditTarget(e) {
    if (e.targetUser) return e.targetUser;
    if (!e.target) return '–';
    // Hashed names and pseudonymous ids are long: their start is enough to tell rows apart.
    return e.target.startsWith('h:') ? t('a.unknown_name') : e.target.length > 12 ? e.target.slice(0, 8) + '…' : e.target;
  }
  async function loadAudit(bg) {
    const r = await api('GET', auditQuery(), undefined, bg);
    if (!r.ok) { $('audit-msg').textContent = r.status === 400 ? t('a.bad_filter') : errText(r); return; }
    $('audit-msg').textContent = '';
    audit.total = r.data.total;
    $('audit-body').replaceChildren(...r.data.entries.map((e) => el('tr', { class: 'audit-row', 'data-action': e.action },
      el('td', { text: localTime(e.at) }), el('td', { text: e.actor || '–' }), el('td', { text: label('auditAction', e.action) }),
      el('td', { text: auditTarget(e) }), el('td', { text: auditDetail(e) }))));
    if (!r.data.entries.length) $('audit-body').append(el('tr', {}, el('td', { colspan: '5', class: 'muted', text: t('a.none') })));
    const last = Math.min(audit.skip + r.data.entries.length, audit.total);
    $('a-page').textContent = audit.total ? (audit.skip + 1) + '–' + last + ' / ' + audit.total : '';
    $('a-prev').disabled = audit.skip === 0;
    $('a-next').disabled = audit.skip + PAGE >= audit.total;
  }
  function fillAuditActions() {
    const sel = $('a-action'); const v = sel.value;
    const codes = (S.options && S.options.auditActions) || [];
    sel.replaceChildren(el('option', { value: '', text: t('a.all') }), ...codes.map((c) => el('option', { value: c, text: label('auditAction', c) })));
    sel.value = v;
  }
  function fillRoles() { for (const o of $('u-role').options) o.textContent = label('staffRole', o.value); }
  async function loadUsers(bg) {
    const r = await api('GET', '/users', undefined, bg);
    if (!r.ok) return;
    $('users-body').replaceChildren(...r.data.users.map((u) => el('tr', {}, el('td', { text: u.username }), el('td', { text: label('staffRole', u.role) }), el('td', { text: u.disabled ? t('u.disable') : '' }),
      el('td', {}, u.manageable ? el('button', { text: u.disabled ? t('u.enable') : t('u.disable'), onclick: async () => { await api('POST', '/users/' + encodeURIComponent(u.username) + (u.disabled ? '/enable' : '/disable'), {}); loadUsers(false); } }) : null))));
  }
  CX.views.audit = loadAudit;
  CX.views.users = loadUsers;
  CX.on('labels', () => { fillAuditActions(); fillRoles(); });
  CX.on('start', (me) => {
    fillAuditActions(); fillRoles();
    // Managers add counsellors and supervisors; admins add any role.
    for (const o of $('u-role').options) o.hidden = me.role !== 'admin' && o.value !== 'counsellor' && o.value !== 'supervisor';
  });
  CX.on('ready', () => {
    $('audit-filter').addEventListener('submit', (ev) => { ev.preventDefault(); audit.skip = 0; loadAudit(false); });
    $('a-prev').addEventListener('click', () => { audit.skip = Math.max(0, audit.skip - PAGE); loadAudit(false); });
    $('a-next').addEventListener('click', () => { audit.skip += PAGE; loadAudit(false); });
    $('user-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/users', { username: $('u-name').value, role: $('u-role').value, password: $('u-pass').value });
      $('u-pass').value = '';
      $('user-msg').textContent = r.ok ? '' : (r.data.reason || errText(r));
      if (r.ok) { $('user-form').reset(); loadUsers(false); }
    });
    $('password-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/password', { current: $('pw-current').value, password: $('pw-new').value });
      $('pw-current').value = ''; $('pw-new').value = '';
      $('pw-msg').className = r.ok ? 'muted' : 'error';
      $('pw-msg').textContent = r.ok ? t('pw.done') : (r.data.reason || errText(r));
    });
  });
}());
