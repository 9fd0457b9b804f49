/* Console start-up: log-in, the language switch, live change notices, then each area's script
   (core.js, queue.js, cases.js, followups.js, admin.js, loaded before this one) takes over. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, api, emit } = CX;
  function applyI18n() {
    document.documentElement.lang = S.lang;
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.getAttribute('data-i18n'));
    for (const e of document.querySelectorAll('[data-i18n-placeholder]')) { e.placeholder = t(e.getAttribute('data-i18n-placeholder')); e.setAttribute('aria-label', e.placeholder); }
    $('lang').textContent = S.lang === 'vi' ? 'English' : 'Tiếng Việt';
  }
  function showLogin() {
    S.me = null;
    if (S.es) { S.es.close(); S.es = null; }
    for (const id of ['nav', 'logout', 'online-wrap', 'sound', 'notify-permission']) $(id).classList.add('hidden');
    CX.emit('render', 'logout');
    for (const s of document.querySelectorAll('main > section')) s.classList.add('hidden');
    $('login-view').classList.remove('hidden');
    $('who').textContent = '';
  }
  async function start(me) {
    S.me = me; S.csrf = me.csrfToken;
    $('login-view').classList.add('hidden');
    await CX.loadLabels();
    $('who').textContent = me.username + ' (' + CX.label('staffRole', me.role) + ')';
    for (const e of document.querySelectorAll('[data-role]')) e.classList.toggle('hidden', !e.getAttribute('data-role').split(' ').includes(me.role));
    // Counsellors and supervisors take cases; managers oversee (no message text); admins manage users.
    const counselling = CX.isCounselling(me);
    $('online-wrap').classList.toggle('hidden', !counselling);
    for (const v of ['queue', 'cases', 'followups']) document.querySelector('[data-view="' + v + '"]').classList.toggle('hidden', !counselling);
    S.options = (await api('GET', '/options')).data;
    emit('start', me);
    connectEvents();
    CX.show(counselling ? 'queue' : me.role === 'manager' ? 'manager' : 'users');
    // The menu appears only now: a click on it before the first view was chosen was overridden
    // by that choice (a counsellor's "my cases" replaced by the queue a moment later).
    for (const id of ['nav', 'logout']) $(id).classList.remove('hidden');
  }
  /** Server-sent change notices: areas listen via CX.on('change'); other changes re-read the view. */
  function connectEvents() {
    if (S.es) S.es.close();
    S.es = new EventSource('/console/api/events');
    S.es.addEventListener('change', (ev) => {
      const c = JSON.parse(ev.data);
      emit('change', c);
      if (c.kind !== 'message' && c.kind !== 'delivery') CX.refresh(true);
    });
  }
  CX.showLogin = showLogin;

  document.addEventListener('DOMContentLoaded', async () => {
    applyI18n();
    $('lang').addEventListener('click', () => { S.lang = S.lang === 'vi' ? 'en' : 'vi'; localStorage.setItem('console.lang', S.lang); applyI18n(); if (S.me) CX.refresh(false); });
    for (const b of document.querySelectorAll('#nav button')) b.addEventListener('click', () => CX.show(b.getAttribute('data-view')));
    $('login-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/login', { username: $('username').value, password: $('password').value });
      $('password').value = '';
      if (!r.ok) { $('login-error').textContent = r.status === 429 ? t('err.too_many') : r.status === 401 ? t('err.login') : t('err.generic'); return; }
      $('login-error').textContent = '';
      start(r.data);
    });
    $('logout').addEventListener('click', async () => { await api('POST', '/logout', {}); showLogin(); });
    $('online').addEventListener('change', async () => { await api('POST', '/presence', { online: $('online').checked }); });
    emit('ready');
    const me = await api('GET', '/me');
    if (me.ok) start(me.data); else showLogin();
  });
}());
