/* Console: blocking with a confirmation (a coded reason and a duration, never free text about
   the person), the block mark and expiry on the case and in the queue, the list of current
   blocks with "Unblock" (any counsellor or manager), and the channel's reply window on each
   case (time left from the person's last message; a warning from one hour before it closes). */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText, localTime } = CX;
  const HOUR = 3_600_000;

  const blockMark = (until, reason) => el('span', { class: 'badge blocked', title: reason ? t('block.reason.' + reason) : '' },
    t('bl.mark') + ' ' + t('bl.mark_until') + ' ' + localTime(until));

  function left(ms) {
    const m = Math.max(0, Math.floor(ms / 60000));
    return (m >= 60 ? Math.floor(m / 60) + ' ' + t('rw.h') + ' ' : '') + (m % 60) + ' ' + t('rw.min');
  }
  /** "You can reply until … (… left)", a warning in the last hour, or "closed". */
  function replyWindow(c, now) {
    if (!c.replyUntil) return null;
    const ms = new Date(c.replyUntil).getTime() - now;
    if (ms <= 0) return el('p', { class: 'reply-window expired', role: 'alert', text: t('rw.expired') });
    if (ms <= HOUR) return el('p', { class: 'reply-window warn', role: 'alert', text: t('rw.warn') + ' ' + left(ms) });
    return el('p', { class: 'reply-window muted', text: t('rw.until') + ' ' + localTime(c.replyUntil) + ' (' + (t('rw.left') ? t('rw.left') + ' ' : '') + left(ms) + ')' });
  }

  async function unblock(hid, after) {
    const r = await api('POST', '/cases/' + encodeURIComponent(hid) + '/unblock', {});
    if (!r.ok) { $('chat-msg').textContent = errText(r); return; }
    if (after) after();
  }

  /** Extras in the open case's header. */
  function decorateChat() {
    const c = (S.cases || []).find((x) => x.hid === S.hid);
    const head = $('chat-head');
    for (const x of head.querySelectorAll('.alerts-extra')) x.remove();
    if (!c) return;
    const box = el('div', { class: 'alerts-extra' });
    if (c.blockedUntil) {
      box.append(el('p', { class: 'block-line' }, blockMark(c.blockedUntil, c.blockReason), ' ', c.blockReason ? t('block.reason.' + c.blockReason) + ' ' : '',
        el('button', { type: 'button', class: 'unblock', text: t('bl.unblock'), onclick: () => unblock(c.hid, () => CX.refresh(false)) })));
    }
    const rw = replyWindow(c, Date.now());
    if (rw) box.append(rw);
    head.append(box);
    $('block').disabled = !!c.blockedUntil;
  }
  /** Reply window and block mark in each case list item. */
  function decorateList() {
    for (const li of document.querySelectorAll('#case-list li[data-hid]')) {
      const c = (S.cases || []).find((x) => x.hid === li.getAttribute('data-hid'));
      for (const x of li.querySelectorAll('.alerts-extra')) x.remove();
      if (!c) continue;
      const box = el('div', { class: 'alerts-extra small' });
      if (c.blockedUntil) box.append(blockMark(c.blockedUntil, c.blockReason));
      const rw = replyWindow(c, Date.now());
      if (rw) box.append(rw);
      if (box.childNodes.length) li.append(box);
    }
  }
  function decorateQueue() {
    for (const tr of document.querySelectorAll('#queue-body tr[data-hid]')) {
      const q = (S.queue || []).find((x) => x.hid === tr.getAttribute('data-hid'));
      if (q && q.blockedUntil && !tr.querySelector('.blocked')) tr.firstChild.append(' ', blockMark(q.blockedUntil, q.blockReason));
    }
    loadBlocks();
  }
  async function loadBlocks() {
    const r = await api('GET', '/blocks', undefined, true);
    if (!r.ok) return;
    const body = $('blocks-body'); body.replaceChildren();
    for (const b of r.data.blocks) {
      body.append(el('tr', { 'data-hid': b.hid, class: 'block-row' },
        el('td', { text: b.channel }), el('td', { text: b.reason ? t('block.reason.' + b.reason) : '–' }), el('td', { text: localTime(b.until) }), el('td', { text: b.by || '–' }),
        el('td', {}, el('button', { type: 'button', class: 'unblock', text: t('bl.unblock'), onclick: () => unblock(b.hid, loadBlocks) }))));
    }
    $('blocks-wrap').classList.toggle('hidden', r.data.blocks.length === 0);
  }

  function openDialog() {
    if (!S.hid) return;
    const f = $('block-reasons');
    for (const x of [...f.querySelectorAll('label')]) x.remove();
    for (const code of (S.options && S.options.blockReasons) || []) f.append(el('label', {}, el('input', { type: 'radio', name: 'block-reason', value: code }), ' ' + t('block.reason.' + code)));
    $('block-msg').textContent = '';
    $('block-dialog').classList.remove('hidden');
    const first = f.querySelector('input'); if (first) first.focus();
  }
  const closeDialog = () => { $('block-dialog').classList.add('hidden'); $('block-form').reset(); $('block').focus(); };

  CX.on('render', (what) => {
    if (what === 'chat') decorateChat();
    else if (what === 'cases') decorateList();
    else if (what === 'queue') decorateQueue();
  });
  CX.on('ready', () => {
    $('block').addEventListener('click', openDialog);
    $('block-cancel').addEventListener('click', closeDialog);
    $('block-reasons').addEventListener('change', () => { $('block-msg').textContent = ''; });
    $('block-dialog').addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeDialog(); });
    $('block-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const picked = document.querySelector('input[name="block-reason"]:checked');
      if (!picked) { $('block-msg').textContent = t('bl.pick_reason'); return; }
      const r = await api('POST', '/cases/' + encodeURIComponent(S.hid) + '/block', { hours: Number($('block-hours').value), reason: picked.value });
      if (!r.ok) { $('block-msg').textContent = errText(r); return; }
      closeDialog();
      CX.refresh(false);
    });
    // The reply window counts down while the case is open.
    setInterval(() => { if (S.view === 'cases') { decorateChat(); decorateList(); } }, 30_000);
  });
}());
