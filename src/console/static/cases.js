/* Console: my open cases, the live chat with one person, and the close form. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText, localTime, checked, dangerBadge, label } = CX;
  let chatFor = null;

  async function loadCases(bg) {
    const r = await api('GET', '/cases', undefined, bg);
    if (!r.ok) return;
    S.cases = r.data.cases;
    if (S.hid && !S.cases.some((c) => c.hid === S.hid)) S.hid = null;
    if (!S.hid && S.cases[0]) S.hid = S.cases[0].hid;
    const list = $('case-list'); list.replaceChildren();
    for (const c of S.cases) {
      list.append(el('li', { class: c.hid === S.hid ? 'selected' : '', 'data-hid': c.hid, onclick: () => { S.hid = c.hid; S.lastSeq = 0; loadCases(false); } },
        c.danger ? dangerBadge() : null, ' ', label('channel', c.channel) + ' · ' + label('language', c.lang),
        c.personLeft ? el('div', { class: 'error', text: t('sys.person_left') }) : null));
    }
    $('chat').classList.toggle('hidden', !S.hid);
    CX.emit('render', 'cases');
    if (S.hid) openChat(bg);
  }
  async function openChat(bg) {
    const c = S.cases.find((x) => x.hid === S.hid);
    if (!c) return;
    const about = [c.answers.role && label('answer', c.answers.role), c.answers.ageGroup && label('ageGroup', c.answers.ageGroup), c.answers.province && label('province', c.answers.province)];
    const head = [el('strong', { text: label('channel', c.channel) + ' · ' + label('language', c.lang) }), ' ', el('span', { class: 'muted', text: about.filter(Boolean).join(' · ') })];
    if (c.claimedAt) head.push(' ', el('span', { class: 'muted', text: t('chat.claimed_at') + ' ' + localTime(c.claimedAt) }));
    if (c.danger) head.unshift(dangerBadge(), ' ');
    if (c.personLeft) head.push(el('p', { class: 'error', text: t('chat.left') }));
    // A supervisor viewing this chat (read-only): the counsellor always knows.
    if (c.watchers && c.watchers.length) head.push(el('p', { id: 'watch-banner', class: 'banner', role: 'status', text: t('chat.watching').replace('{names}', c.watchers.join(', ')) }));
    // A web chat follow-up is read only when the person comes back with their code.
    if (c.fromFollowUp && c.channel === 'webchat') head.push(el('p', { class: c.returnedAt ? 'muted' : 'error', text: c.returnedAt ? t('f.returned') + ' ' + localTime(c.returnedAt) : t('f.not_returned') }));
    $('chat-head').replaceChildren(...head);
    CX.emit('render', 'chat');
    $('send-text').disabled = c.personLeft; $('send').disabled = c.personLeft;
    if (chatFor !== S.hid) {
      chatFor = S.hid; S.lastSeq = 0; $('messages').replaceChildren(); $('close-form').classList.add('hidden'); $('chat-msg').textContent = '';
      const q = await api('GET', '/cases/' + S.hid + '/quick', undefined, true);
      const sel = $('quick'); sel.replaceChildren(el('option', { value: '', text: t('chat.quick') }));
      for (const it of (q.data.items || [])) sel.append(el('option', { value: it.text, text: it.label === 'emergency' ? t('chat.emergency') : it.label }));
      const cs = await api('GET', '/counsellors', undefined, true);
      const to = $('transfer-to'); to.replaceChildren();
      // The number is the free places (limit − open cases); someone wrapping up takes no transfer yet.
      for (const p of (cs.data.counsellors || [])) if (p.online && p.username !== S.me.username) to.append(el('option', { value: p.username, disabled: p.wrapUp ? 'disabled' : false, text: t(p.wrapUp ? 'o.free_wrapup' : 'o.free').replace('{name}', p.username).replace('{n}', p.free) }));
      if (!to.options.length) to.append(el('option', { value: '', text: t('chat.nobody_free') }));
    }
    loadMessages(bg);
    CX.emit('caseopen', S.hid);
  }
  async function loadMessages(bg) {
    if (!S.hid) return;
    const hid = S.hid;
    const r = await api('GET', '/cases/' + hid + '/messages', undefined, bg);
    if (!r.ok || hid !== S.hid) return;
    const box = $('messages'); box.replaceChildren();
    for (const m of r.data.messages) {
      const text = m.from === 'system' ? t('sys.' + m.text).replace('{name}', m.counsellorId || '') : m.text;
      const li = el('li', { class: 'from-' + m.from + (m.from === 'system' ? ' sys-' + m.text : ''), 'data-seq': m.seq }, text);
      if (m.from === 'counsellor' && m.delivery) li.append(el('span', { class: 'delivery' + (m.delivery === 'failed' || m.delivery === 'window_expired' ? ' bad' : ''), text: CX.label('delivery', m.delivery) }));
      box.append(li);
    }
    box.scrollTop = box.scrollHeight;
    const last = r.data.messages[r.data.messages.length - 1];
    CX.emit('read', { hid, seq: last ? last.seq : 0 });
  }
  async function caseAction(path, body) {
    const r = await api('POST', '/cases/' + S.hid + path, body || {});
    $('chat-msg').textContent = r.ok ? '' : errText(r);
    return r;
  }
  function fillCloseForm() {
    const o = S.options; if (!o) return;
    // Codes are the values sent; what the counsellor reads is the catalogue's label. Ticks survive a language switch.
    const boxes = (id, name, kind, values) => {
      const f = $(id); const was = new Set(checked(name));
      for (const x of [...f.querySelectorAll('label')]) x.remove();
      for (const v of values) f.append(el('label', {}, el('input', { type: 'checkbox', name, value: v, checked: was.has(v) ? 'checked' : false }), ' ' + label(kind, v)));
    };
    boxes('f-violence', 'violence', 'violence', o.violenceTypes); boxes('f-context', 'context', 'context', o.contextFlags); boxes('f-referrals', 'referrals', 'referral', o.referrals);
    const keep = (id, fill) => { const v = $(id).value; fill(); if (v) $(id).value = v; };
    keep('f-perpetrator', () => $('f-perpetrator').replaceChildren(el('option', { value: '', text: t('close.none') }), ...o.perpetratorRelations.map((v) => el('option', { value: v, text: label('perpetrator', v) }))));
    keep('f-outcome', () => $('f-outcome').replaceChildren(...o.outcomes.map((v) => el('option', { value: v, text: label('outcome', v) }))));
  }

  CX.views.cases = loadCases;
  CX.caseAction = caseAction;
  CX.loadMessages = loadMessages;
  CX.on('start', fillCloseForm);
  CX.on('labels', fillCloseForm);
  CX.on('change', (c) => { if ((c.kind === 'message' || c.kind === 'delivery') && c.hid === S.hid) loadMessages(true); });
  CX.on('ready', () => {
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
      if (CX.loadWrapup) CX.loadWrapup();
      loadCases(false);
    });
    $('debrief-ok').addEventListener('click', () => $('debrief').classList.add('hidden'));
  });
}());
