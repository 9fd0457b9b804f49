/* Unread messages in my open cases: a message in a case that is not on screen (another case is
   open, another view is shown, or the tab is in the background) gets a count badge in the case
   list, moves that case to the top and counts in the tab title. Opening the case clears it.
   What was read is remembered per case id (a random id, no personal data) in this browser. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api } = CX;
  const KEY = 'console.read';
  const U = { read: load(), count: {}, activity: {} };
  CX.unread = U;
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch (e) { return {}; } }
  function save() {
    const open = new Set((S.cases || []).map((c) => c.hid));
    for (const hid of Object.keys(U.read)) if (!open.has(hid)) delete U.read[hid];
    localStorage.setItem(KEY, JSON.stringify(U.read));
  }
  const onScreen = (hid) => S.view === 'cases' && S.hid === hid && !document.hidden;
  function total() { return Object.values(U.count).reduce((a, b) => a + b, 0); }
  function publish() { if (CX.alerts) { CX.alerts.unread = total(); CX.alerts.updateTitle(); } }

  /** Count what arrived after the last message read in this case (not my own messages). */
  async function recount(hid) {
    if (!(hid in U.read)) return;
    const r = await api('GET', '/cases/' + encodeURIComponent(hid) + '/messages?after=' + U.read[hid], undefined, true);
    if (!r.ok) return;
    if (onScreen(hid)) return;
    const n = r.data.messages.filter((m) => m.from !== 'counsellor').length;
    if (n > (U.count[hid] || 0)) U.activity[hid] = Date.now();
    U.count[hid] = n;
    publish();
    decorate();
  }

  /** Badges and order in the case list: cases with unread messages first, newest first. */
  function decorate() {
    const list = $('case-list');
    if (!list) return;
    const items = [...list.querySelectorAll('li[data-hid]')];
    for (const li of items) {
      const hid = li.getAttribute('data-hid');
      const old = li.querySelector('.unread'); if (old) old.remove();
      const n = U.count[hid] || 0;
      if (n) li.prepend(el('span', { class: 'badge unread', title: n + ' ' + t('un.badge'), 'aria-label': n + ' ' + t('un.badge'), text: String(n) }), ' ');
      li.classList.toggle('has-unread', n > 0);
    }
    const rank = (li) => U.activity[li.getAttribute('data-hid')] || 0;
    const sorted = items.map((li, i) => ({ li, i })).sort((a, b) => ((U.count[b.li.getAttribute('data-hid')] ? rank(b.li) : 0) - (U.count[a.li.getAttribute('data-hid')] ? rank(a.li) : 0)) || a.i - b.i);
    if (sorted.some((x, i) => x.i !== i)) list.append(...sorted.map((x) => x.li));
  }

  CX.on('render', (what) => {
    if (what === 'logout') { U.count = {}; U.activity = {}; publish(); return; }
    if (what !== 'cases') return;
    // A case seen for the first time in this browser: what it holds now counts as read only
    // once it is opened; until then everything in it is unread.
    for (const c of S.cases) if (!(c.hid in U.read)) { U.read[c.hid] = 0; if (c.hid !== S.hid) recount(c.hid); }
    for (const hid of Object.keys(U.count)) if (!S.cases.some((c) => c.hid === hid)) delete U.count[hid];
    save(); publish(); decorate();
  });
  CX.on('read', ({ hid, seq }) => {
    if (!onScreen(hid)) { recount(hid); return; }
    U.read[hid] = Math.max(U.read[hid] || 0, seq);
    if (U.count[hid]) { delete U.count[hid]; publish(); decorate(); }
    save();
  });
  CX.on('change', (c) => {
    if (c.kind !== 'message' || !c.hid || onScreen(c.hid)) return;
    if ((S.cases || []).some((x) => x.hid === c.hid)) recount(c.hid);
    else if (S.view !== 'cases') CX.api('GET', '/cases', undefined, true).then((r) => { if (r.ok) { S.cases = r.data.cases; for (const x of S.cases) if (!(x.hid in U.read)) U.read[x.hid] = 0; recount(c.hid); } });
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && S.view === 'cases' && S.hid && CX.loadMessages) CX.loadMessages(true); });
}());
