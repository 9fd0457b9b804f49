/* Console UI core: shared state and helpers for the other console scripts (plain JS, no
   framework, no inline code: strict CSP). Each area of the console is its own file and registers
   itself here: `CX.views[name]` loads a view, `CX.on(event, fn)` subscribes to 'start' (after
   log-in), 'change' (a server-sent change notice) and 'ready' (DOM loaded, wire up buttons).
   Text from people is only ever set with textContent, never parsed as HTML. */
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
  const listeners = { start: [], change: [], ready: [], render: [], read: [], labels: [], caseopen: [] };
  /** Subscribe to 'start' (me), 'change' (notice), 'ready' (), 'render' (view name, after a list or the chat head was drawn), 'read' ({hid, seq}: messages shown), 'labels' (the catalogue of a new language is in), 'caseopen' (hid: the chat of a case is drawn). */
  function on(event, fn) { listeners[event].push(fn); }
  function emit(event, arg) { for (const fn of listeners[event]) fn(arg); }
  async function api(method, path, body, background) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['X-CSRF-Token'] = S.csrf;
    if (background) headers['X-Background'] = '1';
    const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    let data = {};
    try { data = await res.json(); } catch (e) { data = {}; }
    if (res.status === 401 && path !== '/login') CX.showLogin();
    return { status: res.status, ok: res.ok, data };
  }
  /** An API error in words: the catalogue's label of its code (labels.js), else the UI text, else a generic one. */
  const errText = (r) => {
    const code = r.data && r.data.error;
    if (CX.hasLabel && CX.hasLabel('error', code)) return CX.label('error', code);
    return t('err.' + code) === 'err.' + code ? t('err.generic') : t('err.' + code);
  };
  /** Replaced by labels.js (whole words, in the console's language). */
  function fmtWait(ms) { return Math.floor(ms / 60000) + ' ' + t('unit.min'); }
  /** "29/11/2026 13:45" in the browser's (the counsellor's) local time. */
  function localTime(iso) {
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, '0');
    return p(d.getDate()) + '/' + p(d.getMonth() + 1) + '/' + d.getFullYear() + ' ' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  const checked = (name) => [...document.querySelectorAll('input[name="' + name + '"]:checked')].map((i) => i.value);
  /** Roles that take cases (and so hear queue alerts): a manager does not read live chats. */
  const isCounselling = (me) => !!me && (me.role === 'counsellor' || me.role === 'supervisor');
  const dangerBadge = () => el('span', { class: 'badge danger', text: t('q.danger') });

  /** View name → loader(bg). Filled by each area's script. */
  const views = {};
  function show(view) {
    S.view = view;
    for (const s of document.querySelectorAll('main > section')) s.classList.add('hidden');
    $(view + '-view').classList.remove('hidden');
    for (const b of document.querySelectorAll('#nav button')) b.classList.toggle('active', b.getAttribute('data-view') === view);
    refresh(false);
  }
  function refresh(bg) { const load = views[S.view]; return load ? load(bg) : undefined; }

  const CX = { S, $, t, el, on, emit, api, errText, fmtWait, localTime, checked, dangerBadge, isCounselling, views, show, refresh, showLogin: () => {} };
  window.CX = CX;
}());
