/* Console: promised follow-ups (a safe time to contact the person). */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText, localTime, dangerBadge, label } = CX;
  async function loadFollowUps(bg) {
    const r = await api('GET', '/followups', undefined, bg);
    if (!r.ok) return;
    const list = $('followup-list'); list.replaceChildren();
    for (const f of r.data.followUps) {
      const read = f.resumeUntil ? el('div', { class: 'muted', text: f.returnedAt ? t('f.returned') + ' ' + localTime(f.returnedAt) : t('f.code_until') + ' ' + localTime(f.resumeUntil) }) : null;
      list.append(el('li', {}, f.danger ? dangerBadge() : null, ' ', label('channel', f.channel) + ' · ' + label('language', f.lang) + ' · ' + t('f.window') + ': ' + label('window', f.window) + ' ', read,
        el('button', { class: 'primary', disabled: f.claimable ? false : 'disabled', text: f.claimable ? t('f.claim') : t('f.wait'), onclick: async () => {
          const x = await api('POST', '/followups/' + f.fid + '/claim', {});
          if (!x.ok) { $('followup-msg').textContent = errText(x); return; }
          S.hid = x.data.case.hid; CX.show('cases');
        } })));
    }
  }
  CX.views.followups = loadFollowUps;
}());
