/* Console: the queue of people waiting for a counsellor. */
'use strict';
(function () {
  const { S, $, t, el, api, errText, fmtWait, dangerBadge } = window.CX;
  async function loadQueue(bg) {
    const r = await api('GET', '/queue?lang=' + S.lang, undefined, bg);
    if (!r.ok) return;
    S.queue = r.data.queue;
    $('line-state').textContent = r.data.lineOpen ? t('q.open') : t('q.closed');
    const body = $('queue-body'); body.replaceChildren();
    for (const q of r.data.queue) {
      body.append(el('tr', { 'data-hid': q.hid, class: 'queue-row' },
        el('td', {}, q.danger ? dangerBadge() : null),
        el('td', { text: q.channel }), el('td', { text: q.lang }), el('td', { text: fmtWait(q.waitedMs) }),
        el('td', { text: q.answers.role || '–' }), el('td', { text: q.answers.ageGroup || '–' }), el('td', { text: q.provinceName || '–' }),
        el('td', { text: (q.answers.topics || []).join(', ') || '–' }),
        el('td', {}, el('button', { class: 'primary claim', text: t('q.claim'), onclick: () => claim(q.hid) }))));
    }
    $('queue-empty').classList.toggle('hidden', r.data.queue.length > 0);
    window.CX.emit('render', 'queue');
  }
  async function claim(hid) {
    const r = await api('POST', '/queue/' + encodeURIComponent(hid) + '/claim', {});
    if (!r.ok) { $('queue-msg').textContent = errText(r); return loadQueue(true); }
    $('queue-msg').textContent = '';
    S.hid = hid; window.CX.show('cases');
  }
  window.CX.views.queue = loadQueue;
  window.CX.claim = claim;
}());
