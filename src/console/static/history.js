/* Console: the returning person's history in the case view. The same pseudonymous id came
   before: each earlier episode with its dates, outcome, violence types and referrals (labels
   from the catalogue), and the counsellor's note while it is kept. A note stays closed until
   the counsellor asks for it; the server records every opening in the audit log. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText, localTime, label, labelList } = CX;
  let shownFor = null;

  function episodeItem(e) {
    const d = e.disposition;
    const when = localTime(e.startedAt) + (e.endedAt ? ' – ' + localTime(e.endedAt) : '');
    const outcome = d && d.outcome ? label('outcome', d.outcome) : label('handoffOutcome', e.outcome);
    const li = el('li', { class: 'episode', 'data-hid': e.hid },
      el('div', {}, el('strong', { text: when }), ' · ', label('channel', e.channel), e.danger ? el('span', { class: 'badge danger', text: t('q.danger') }) : null),
      el('div', { text: t('hist.outcome') + ': ' + outcome }),
      d ? el('div', { text: t('hist.violence') + ': ' + labelList('violence', d.violenceTypes) }) : null,
      d && d.contextFlags && d.contextFlags.length ? el('div', { text: t('close.context') + ': ' + labelList('context', d.contextFlags) }) : null,
      d && d.perpetratorRelation ? el('div', { text: t('close.perpetrator') + ': ' + label('perpetrator', d.perpetratorRelation) }) : null,
      d ? el('div', { text: t('hist.referrals') + ': ' + labelList('referral', d.referrals) }) : null,
      e.counsellorId ? el('div', { class: 'muted', text: t('hist.counsellor') + ': ' + e.counsellorId }) : null);
    if (e.note) {
      const box = el('div', { class: 'note-box' });
      const btn = el('button', { type: 'button', class: 'open-note', text: t('hist.open_note') + ' (' + e.note.author + ', ' + localTime(e.note.createdAt) + ')' });
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        const r = await api('POST', '/cases/' + encodeURIComponent(S.hid) + '/history/' + encodeURIComponent(e.hid) + '/note', {});
        if (!r.ok) { $('history-msg').textContent = errText(r); btn.disabled = false; return; }
        box.replaceChildren(el('p', { class: 'muted', text: t('hist.note_audited') }), el('blockquote', { class: 'note-text', text: r.data.text }));
      });
      box.append(btn, el('span', { class: 'muted', text: ' ' + t('hist.note_until') + ' ' + localTime(e.note.deleteAfter) }));
      li.append(box);
    }
    return li;
  }

  /** Show the history of the open case's person (once per case; again on a language switch). */
  async function showHistory(force) {
    const hid = S.hid;
    if (!hid || (!force && shownFor === hid)) return;
    shownFor = hid;
    const box = $('history');
    box.classList.add('hidden'); $('history-list').replaceChildren(); $('history-msg').textContent = '';
    const r = await api('GET', '/cases/' + encodeURIComponent(hid) + '/history', undefined, true);
    if (!r.ok || hid !== S.hid) return;
    const eps = r.data.episodes || [];
    if (!eps.length) return;
    $('history-summary').textContent = t('hist.title') + ' (' + eps.length + ')';
    $('history-list').replaceChildren(...eps.map(episodeItem));
    box.classList.remove('hidden');
  }

  // cases.js draws the chat on every refresh; the history follows the selected case.
  CX.on('caseopen', () => { showHistory(false); });
  CX.on('labels', () => { if (S.view === 'cases') showHistory(true); });
}());
