/* Console UI: plain JS, no framework, no inline code (strict CSP). Text from people is only ever
   set with textContent, never parsed as HTML. Live updates: EventSource notices → re-read the API. */
'use strict';
(function () {
  const API = '/console/api';
  const S = { me: null, csrf: '', lang: localStorage.getItem('console.lang') || 'vi', view: 'queue', hid: null, cases: [], options: null, es: null, lastSeq: 0 };
  const $ = (id) => document.getElementById(id);
  const t = (k) => (window.I18N[S.lang] && window.I18N[S.lang][k]) || window.I18N.vi[k] || k;
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else if (v !== false && v != null) e.setAttribute(k, v);
    }
    for (const c of kids) if (c != null) e.append(c);
    return e;
  }
  async function api(method, path, body, background) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['X-CSRF-Token'] = S.csrf;
    if (background) headers['X-Background'] = '1';
    const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    let data = {};
    try { data = await res.json(); } catch (e) { data = {}; }
    if (res.status === 401 && path !== '/login') { showLogin(); }
    return { status: res.status, ok: res.ok, data };
  }
  const errText = (r) => t('err.' + (r.data && r.data.error)) === 'err.' + (r.data && r.data.error) ? t('err.generic') : t('err.' + r.data.error);
  function applyI18n() {
    document.documentElement.lang = S.lang;
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.getAttribute('data-i18n'));
    $('lang').textContent = S.lang === 'vi' ? 'English' : 'Tiếng Việt';
  }
  function fmtWait(ms) { const m = Math.floor(ms / 60000); return m < 60 ? m + ' ph' : Math.floor(m / 60) + 'h' + String(m % 60).padStart(2, '0'); }

  function showLogin() {
    S.me = null;
    if (S.es) { S.es.close(); S.es = null; }
    for (const id of ['nav', 'logout', 'online-wrap']) $(id).classList.add('hidden');
    for (const s of document.querySelectorAll('main > section')) s.classList.add('hidden');
    $('login-view').classList.remove('hidden');
    $('who').textContent = '';
  }
  async function start(me) {
    S.me = me; S.csrf = me.csrfToken;
    $('login-view').classList.add('hidden');
    for (const id of ['nav', 'logout']) $(id).classList.remove('hidden');
    $('who').textContent = me.username + ' (' + me.role + ')';
    for (const e of document.querySelectorAll('[data-role]')) e.classList.toggle('hidden', !e.getAttribute('data-role').split(' ').includes(me.role));
    const counselling = me.role === 'counsellor' || me.role === 'manager';
    $('online-wrap').classList.toggle('hidden', !counselling);
    for (const v of ['queue', 'cases', 'followups']) document.querySelector('[data-view="' + v + '"]').classList.toggle('hidden', !counselling);
    // Managers add counsellors only; admins add any role.
    for (const o of $('u-role').options) o.hidden = me.role !== 'admin' && o.value !== 'counsellor';
    S.options = (await api('GET', '/options')).data;
    fillCloseForm();
    connectEvents();
    show(counselling ? 'queue' : 'audit');
  }
  function connectEvents() {
    if (S.es) S.es.close();
    S.es = new EventSource(API + '/events');
    S.es.addEventListener('change', (ev) => {
      const c = JSON.parse(ev.data);
      if (c.kind === 'message' || c.kind === 'delivery') { if (c.hid === S.hid) loadMessages(true); }
      else refresh(true);
    });
  }
  function show(view) {
    S.view = view;
    for (const s of document.querySelectorAll('main > section')) s.classList.add('hidden');
    $(view + '-view').classList.remove('hidden');
    for (const b of document.querySelectorAll('#nav button')) b.classList.toggle('active', b.getAttribute('data-view') === view);
    refresh(false);
  }
  function refresh(bg) {
    const v = S.view;
    if (v === 'queue') return loadQueue(bg);
    if (v === 'cases') return loadCases(bg);
    if (v === 'followups') return loadFollowUps(bg);
    if (v === 'manager') return loadManager(bg);
    if (v === 'audit') return loadAudit(bg);
    if (v === 'users') return loadUsers(bg);
  }

  async function loadQueue(bg) {
    const r = await api('GET', '/queue?lang=' + S.lang, undefined, bg);
    if (!r.ok) return;
    $('line-state').textContent = r.data.lineOpen ? t('q.open') : t('q.closed');
    const body = $('queue-body'); body.replaceChildren();
    for (const q of r.data.queue) {
      body.append(el('tr', { 'data-hid': q.hid, class: 'queue-row' },
        el('td', {}, q.danger ? el('span', { class: 'badge danger', text: t('q.danger') }) : null),
        el('td', { text: q.channel }), el('td', { text: q.lang }), el('td', { text: fmtWait(q.waitedMs) }),
        el('td', { text: q.answers.role || '–' }), el('td', { text: q.answers.ageGroup || '–' }), el('td', { text: q.provinceName || '–' }),
        el('td', { text: (q.answers.topics || []).join(', ') || '–' }),
        el('td', {}, el('button', { class: 'primary claim', text: t('q.claim'), onclick: () => claim(q.hid) }))));
    }
    $('queue-empty').classList.toggle('hidden', r.data.queue.length > 0);
  }
  async function claim(hid) {
    const r = await api('POST', '/queue/' + encodeURIComponent(hid) + '/claim', {});
    if (!r.ok) { $('queue-msg').textContent = errText(r); return loadQueue(true); }
    $('queue-msg').textContent = '';
    S.hid = hid; show('cases');
  }

  async function loadCases(bg) {
    const r = await api('GET', '/cases', undefined, bg);
    if (!r.ok) return;
    S.cases = r.data.cases;
    if (S.hid && !S.cases.some((c) => c.hid === S.hid)) S.hid = null;
    if (!S.hid && S.cases[0]) S.hid = S.cases[0].hid;
    const list = $('case-list'); list.replaceChildren();
    for (const c of S.cases) {
      list.append(el('li', { class: c.hid === S.hid ? 'selected' : '', 'data-hid': c.hid, onclick: () => { S.hid = c.hid; S.lastSeq = 0; loadCases(false); } },
        c.danger ? el('span', { class: 'badge danger', text: t('q.danger') }) : null, ' ', c.channel + ' · ' + c.lang,
        c.personLeft ? el('div', { class: 'error', text: t('sys.person_left') }) : null));
    }
    $('chat').classList.toggle('hidden', !S.hid);
    if (S.hid) openChat(bg);
  }
  let chatFor = null;
  async function openChat(bg) {
    const c = S.cases.find((x) => x.hid === S.hid);
    if (!c) return;
    const head = [el('strong', { text: c.channel + ' · ' + c.lang }), ' ', el('span', { class: 'muted', text: [c.answers.role, c.answers.ageGroup, c.answers.province].filter(Boolean).join(' · ') })];
    if (c.danger) head.unshift(el('span', { class: 'badge danger', text: t('q.danger') }), ' ');
    if (c.personLeft) head.push(el('p', { class: 'error', text: t('chat.left') }));
    // A web chat follow-up is read only when the person comes back with their code.
    if (c.fromFollowUp && c.channel === 'webchat') head.push(el('p', { class: c.returnedAt ? 'muted' : 'error', text: c.returnedAt ? t('f.returned') + ' ' + localTime(c.returnedAt) : t('f.not_returned') }));
    $('chat-head').replaceChildren(...head);
    $('send-text').disabled = c.personLeft; $('send').disabled = c.personLeft;
    if (chatFor !== S.hid) {
      chatFor = S.hid; S.lastSeq = 0; $('messages').replaceChildren(); $('close-form').classList.add('hidden'); $('chat-msg').textContent = '';
      const q = await api('GET', '/cases/' + S.hid + '/quick', undefined, true);
      const sel = $('quick'); sel.replaceChildren(el('option', { value: '', text: t('chat.quick') }));
      for (const it of (q.data.items || [])) sel.append(el('option', { value: it.text, text: it.label === 'emergency' ? t('chat.emergency') : it.label }));
      const cs = await api('GET', '/counsellors', undefined, true);
      const to = $('transfer-to'); to.replaceChildren();
      for (const p of (cs.data.counsellors || [])) if (p.online && p.username !== S.me.username) to.append(el('option', { value: p.username, text: p.username + ' (' + p.free + ')' }));
    }
    loadMessages(bg);
  }
  async function loadMessages(bg) {
    if (!S.hid) return;
    const hid = S.hid;
    const r = await api('GET', '/cases/' + hid + '/messages', undefined, bg);
    if (!r.ok || hid !== S.hid) return;
    const box = $('messages'); box.replaceChildren();
    for (const m of r.data.messages) {
      const text = m.from === 'system' ? t('sys.' + m.text) : m.text;
      const li = el('li', { class: 'from-' + m.from, 'data-seq': m.seq }, text);
      if (m.from === 'counsellor' && m.delivery) li.append(el('span', { class: 'delivery' + (m.delivery === 'failed' || m.delivery === 'window_expired' ? ' bad' : ''), text: t('d.' + m.delivery) }));
      box.append(li);
    }
    box.scrollTop = box.scrollHeight;
  }
  async function caseAction(path, body) {
    const r = await api('POST', '/cases/' + S.hid + path, body || {});
    $('chat-msg').textContent = r.ok ? '' : errText(r);
    return r;
  }
  function fillCloseForm() {
    const o = S.options; if (!o) return;
    const boxes = (id, name, values) => { const f = $(id); for (const x of [...f.querySelectorAll('label')]) x.remove(); for (const v of values) f.append(el('label', {}, el('input', { type: 'checkbox', name, value: v }), ' ' + v)); };
    boxes('f-violence', 'violence', o.violenceTypes); boxes('f-context', 'context', o.contextFlags); boxes('f-referrals', 'referrals', o.referrals);
    $('f-perpetrator').replaceChildren(el('option', { value: '', text: t('close.none') }), ...o.perpetratorRelations.map((v) => el('option', { value: v, text: v })));
    $('f-outcome').replaceChildren(...o.outcomes.map((v) => el('option', { value: v, text: v })));
  }
  /** "29/11/2026 13:45" in the browser's (the counsellor's) local time. */
  function localTime(iso) {
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, '0');
    return p(d.getDate()) + '/' + p(d.getMonth() + 1) + '/' + d.getFullYear() + ' ' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  const checked = (name) => [...document.querySelectorAll('input[name="' + name + '"]:checked')].map((i) => i.value);

  async function loadFollowUps(bg) {
    const r = await api('GET', '/followups', undefined, bg);
    if (!r.ok) return;
    const list = $('followup-list'); list.replaceChildren();
    for (const f of r.data.followUps) {
      const read = f.resumeUntil ? el('div', { class: 'muted', text: f.returnedAt ? t('f.returned') + ' ' + localTime(f.returnedAt) : t('f.code_until') + ' ' + localTime(f.resumeUntil) }) : null;
      list.append(el('li', {}, f.danger ? el('span', { class: 'badge danger', text: t('q.danger') }) : null, ' ', f.channel + ' · ' + f.lang + ' · ' + t('f.window') + ': ' + t('win.' + f.window) + ' ', read,
        el('button', { class: 'primary', disabled: f.claimable ? false : 'disabled', text: f.claimable ? t('f.claim') : t('f.wait'), onclick: async () => {
          const x = await api('POST', '/followups/' + f.fid + '/claim', {});
          if (!x.ok) { $('followup-msg').textContent = errText(x); return; }
          S.hid = x.data.case.hid; show('cases');
        } })));
    }
  }
  async function loadManager(bg) {
    const r = await api('GET', '/manager/overview', undefined, bg);
    if (!r.ok) return;
    const o = r.data;
    $('m-counsellors').replaceChildren(...o.counsellors.map((c) => el('tr', {}, el('td', { text: c.username }), el('td', { text: c.online ? t('yes') : t('no') }), el('td', { text: c.load + ' / ' + c.limit }))));
    const online = o.counsellors.filter((c) => c.online);
    $('m-active').replaceChildren(...o.active.map((c) => {
      const sel = el('select', {}, ...online.filter((p) => p.username !== c.counsellorId).map((p) => el('option', { value: p.username, text: p.username })));
      return el('tr', {}, el('td', {}, c.danger ? el('span', { class: 'badge danger', text: t('q.danger') }) : null), el('td', { text: c.channel }), el('td', { text: c.counsellorId || '' }),
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

  document.addEventListener('DOMContentLoaded', async () => {
    applyI18n();
    $('lang').addEventListener('click', () => { S.lang = S.lang === 'vi' ? 'en' : 'vi'; localStorage.setItem('console.lang', S.lang); applyI18n(); if (S.me) refresh(false); });
    for (const b of document.querySelectorAll('#nav button')) b.addEventListener('click', () => show(b.getAttribute('data-view')));
    $('login-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/login', { username: $('username').value, password: $('password').value });
      $('password').value = '';
      if (!r.ok) { $('login-error').textContent = r.data.error || t('err.generic'); return; }
      $('login-error').textContent = '';
      start(r.data);
    });
    $('logout').addEventListener('click', async () => { await api('POST', '/logout', {}); showLogin(); });
    $('online').addEventListener('change', async () => { await api('POST', '/presence', { online: $('online').checked }); });
    $('send-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = $('send-text').value.trim();
      if (!text) return;
      $('send').disabled = true;
      const r = await caseAction('/messages', { text });
      $('send').disabled = false;
      if (r.ok) { $('send-text').value = ''; loadMessages(false); }
    });
    $('quick').addEventListener('change', () => { const v = $('quick').value; if (v) { const ta = $('send-text'); ta.value = (ta.value ? ta.value + '\n' : '') + v; $('quick').value = ''; ta.focus(); } });
    $('release').addEventListener('click', async () => { if ((await caseAction('/release')).ok) { S.hid = null; loadCases(false); } });
    $('transfer').addEventListener('click', async () => { if ((await caseAction('/transfer', { to: $('transfer-to').value })).ok) { S.hid = null; loadCases(false); } });
    $('block').addEventListener('click', async () => { await caseAction('/block', { hours: Number($('block-hours').value) }); });
    $('open-close').addEventListener('click', () => $('close-form').classList.toggle('hidden'));
    $('close-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { violenceTypes: checked('violence'), contextFlags: checked('context'), referrals: checked('referrals'), perpetratorRelation: $('f-perpetrator').value || null, outcome: $('f-outcome').value };
      if ($('f-note').value.trim()) body.note = $('f-note').value;
      const r = await caseAction('/close', body);
      if (!r.ok) return;
      $('close-form').reset(); $('close-form').classList.add('hidden');
      S.hid = null; chatFor = null;
      if (r.data.debrief) $('debrief').classList.remove('hidden');
      loadCases(false);
    });
    $('debrief-ok').addEventListener('click', () => $('debrief').classList.add('hidden'));
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
    const me = await api('GET', '/me');
    if (me.ok) start(me.data); else showLogin();
  });
}());
