/* Console: the queue of people waiting for a counsellor. */
'use strict';
(function () {
  const { S, $, t, el, api, errText, fmtWait, dangerBadge, label, labelList } = window.CX;
  async function loadQueue(bg) {
    const r = await api('GET', '/queue?lang=' + S.lang, undefined, bg);
    if (!r.ok) return;
    S.queue = r.data.queue;
    $('line-state').textContent = r.data.lineOpen ? t('q.open') : t('q.closed');
    const body = $('queue-body'); body.replaceChildren();
    for (const q of r.data.queue) {
      body.append(el('tr', { 'data-hid': q.hid, class: 'queue-row' },
        el('td', {}, q.danger ? dangerBadge() : null),
        el('td', { text: label('channel', q.channel) }), el('td', { text: label('language', q.lang) }), el('td', { text: fmtWait(q.waitedMs) }),
        el('td', { text: label('answer', q.answers.role) }), el('td', { text: label('ageGroup', q.answers.ageGroup) }),
        el('td', { text: q.answers.province ? label('province', q.answers.province) : '–' }),
        el('td', { text: labelList('topic', q.answers.topics) }),
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
