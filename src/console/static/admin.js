/* Console: the audit log, users and the password form (the shift overview is in supervision.js). */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText } = CX;
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
  CX.views.audit = loadAudit;
  CX.views.users = loadUsers;
  CX.on('start', (me) => {
    // Managers add counsellors and supervisors; admins add any role.
    for (const o of $('u-role').options) o.hidden = me.role !== 'admin' && o.value !== 'counsellor' && o.value !== 'supervisor';
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
