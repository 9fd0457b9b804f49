/* Console: the manager overview, the audit log, users and the password form. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText, dangerBadge } = CX;
  async function loadManager(bg) {
    const r = await api('GET', '/manager/overview', undefined, bg);
    if (!r.ok) return;
    const o = r.data;
    $('m-counsellors').replaceChildren(...o.counsellors.map((c) => el('tr', {}, el('td', { text: c.username }), el('td', { text: c.online ? t('yes') : t('no') }), el('td', { text: c.load + ' / ' + c.limit }))));
    const online = o.counsellors.filter((c) => c.online);
    $('m-active').replaceChildren(...o.active.map((c) => {
      const sel = el('select', {}, ...online.filter((p) => p.username !== c.counsellorId).map((p) => el('option', { value: p.username, text: p.username })));
      return el('tr', {}, el('td', {}, c.danger ? dangerBadge() : null), el('td', { text: c.channel }), el('td', { text: c.counsellorId || '' }),
        el('td', {}, sel, el('button', { text: t('m.reassign'), onclick: async () => { const x = await api('POST', '/manager/cases/' + c.hid + '/reassign', { to: sel.value }); $('manager-msg').textContent = x.ok ? '' : errText(x); loadManager(true); } })));
    }));
    $('m-queue').textContent = o.queue.length + ' · ' + o.queue.filter((q) => q.danger).length + ' ' + t('q.danger');
  }
  async function loadAudit(bg) {
    const r = await api('GET', '/audit?limit=200', undefined, bg);
    if (!r.ok) return;
    $('audit-body').replaceChildren(...r.data.entries.map((e) => el('tr', {}, el('td', { text: new Date(e.at).toLocaleString(S.lang === 'vi' ? 'vi-VN' : 'en-GB') }), el('td', { text: e.actor || '–' }), el('td', { text: e.action }), el('td', { text: e.targetUser || e.target || '' }), el('td', { text: (e.detail && e.detail.net) || '' }))));
  }
  async function loadUsers(bg) {
    const r = await api('GET', '/users', undefined, bg);
    if (!r.ok) return;
    $('users-body').replaceChildren(...r.data.users.map((u) => el('tr', {}, el('td', { text: u.username }), el('td', { text: u.role }), el('td', { text: u.disabled ? t('u.disable') : '' }),
      el('td', {}, u.manageable ? el('button', { text: u.disabled ? t('u.enable') : t('u.disable'), onclick: async () => { await api('POST', '/users/' + encodeURIComponent(u.username) + (u.disabled ? '/enable' : '/disable'), {}); loadUsers(false); } }) : null))));
  }
  CX.views.manager = loadManager;
  CX.views.audit = loadAudit;
  CX.views.users = loadUsers;
  CX.on('start', (me) => {
    // Managers add counsellors only; admins add any role.
    for (const o of $('u-role').options) o.hidden = me.role !== 'admin' && o.value !== 'counsellor';
  });
  CX.on('ready', () => {
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
