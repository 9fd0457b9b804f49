/* Console: shift handover notes (on the queue screen and the overview), the managers' quick
   texts screen (create, edit, retire, restore; vi and en), and search in the counsellor's
   quick-insert picker. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, el, api, errText, localTime } = CX;
  const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] != null ? String(vars[k]) : m));

  /* Handover notes: one list, shown in every container that asks for it. The box's markup is
     one template (index.html), copied into each place now: deferred scripts run before the
     start-up applies the interface texts. */
  for (const place of document.querySelectorAll('.handover')) place.append($('handover-box').content.cloneNode(true));
  async function loadNotes(bg) {
    const r = await api('GET', '/handover', undefined, bg);
    if (!r.ok) return;
    const write = S.me && S.me.role !== 'admin';
    for (const box of document.querySelectorAll('.handover')) {
      box.querySelector('.h-shown').textContent = fill(t('h.shown'), { h: r.data.hours });
      box.querySelector('.h-form').classList.toggle('hidden', !write);
      box.querySelector('.h-list').replaceChildren(...r.data.notes.map((n) => el('li', { 'data-nid': n.nid },
        el('p', { class: 'h-text', text: n.text }),
        el('span', { class: 'muted', text: n.author + ' · ' + localTime(n.createdAt) }), ' ',
        n.deletable ? el('button', { type: 'button', class: 'h-delete', text: t('h.delete'), onclick: async () => { await api('POST', '/handover/' + encodeURIComponent(n.nid) + '/delete', {}); loadNotes(false); } }) : null)));
      box.querySelector('.h-empty').classList.toggle('hidden', r.data.notes.length > 0);
    }
  }
  async function addNote(box) {
    const input = box.querySelector('textarea');
    const r = await api('POST', '/handover', { text: input.value });
    box.querySelector('.h-msg').textContent = r.ok ? '' : errText(r);
    if (r.ok) { input.value = ''; loadNotes(false); }
  }

  /* Quick texts, for managers. */
  let editing = null;
  async function loadQuickTexts(bg) {
    const r = await api('GET', '/quicktexts', undefined, bg);
    if (!r.ok) return;
    $('qt-body').replaceChildren(...r.data.texts.map((q) => el('tr', { 'data-qid': q.qid, class: q.retired ? 'retired' : '' },
      el('td', {}, el('strong', { text: q.label.vi }), q.label.en ? el('div', { class: 'muted', text: q.label.en }) : null),
      el('td', {}, el('div', { class: 'qt-text', text: q.text.vi }), q.text.en ? el('div', { class: 'qt-text muted', text: q.text.en }) : null),
      el('td', { text: (q.retired ? t('qt.retired') : t('qt.active')) + ' · v' + q.version }),
      el('td', {},
        el('button', { type: 'button', class: 'qt-edit', text: t('qt.edit'), onclick: () => edit(q) }), ' ',
        el('button', { type: 'button', class: q.retired ? 'qt-restore' : 'qt-retire', text: q.retired ? t('qt.restore') : t('qt.retire'), onclick: async () => {
          const x = await api('POST', '/quicktexts/' + encodeURIComponent(q.qid) + (q.retired ? '/restore' : '/retire'), {});
          $('qt-msg').textContent = x.ok ? '' : errText(x);
          loadQuickTexts(false);
        } })))));
  }
  function edit(q) {
    editing = q ? q.qid : null;
    $('qt-form-title').textContent = q ? t('qt.edit_title') : t('qt.add');
    $('qt-label-vi').value = q ? q.label.vi : ''; $('qt-label-en').value = q ? q.label.en : '';
    $('qt-text-vi').value = q ? q.text.vi : ''; $('qt-text-en').value = q ? q.text.en : '';
    $('qt-cancel').classList.toggle('hidden', !q);
    if (q) $('qt-label-vi').focus();
  }

  /* Search in the quick-insert picker: hide the options that do not match. */
  function filterPicker() {
    const words = $('quick-search').value.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/\s+/).filter(Boolean);
    const plain = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    for (const o of $('quick').options) {
      if (!o.value) continue;
      const hay = plain(o.textContent + ' ' + o.value);
      o.hidden = !words.every((w) => hay.includes(w));
    }
  }

  const queueView = CX.views.queue;
  CX.views.queue = async (bg) => { await queueView(bg); await loadNotes(bg); };
  const overview = CX.views.manager;
  CX.views.manager = async (bg) => { await overview(bg); await loadNotes(bg); };
  CX.views.quicktexts = loadQuickTexts;
  CX.filterQuick = filterPicker;
  CX.on('ready', () => {
    for (const box of document.querySelectorAll('.handover')) {
      box.querySelector('.h-form').addEventListener('submit', (ev) => { ev.preventDefault(); addNote(box); });
    }
    $('quick-search').addEventListener('input', filterPicker);
    $('quick').addEventListener('change', () => { $('quick-search').value = ''; filterPicker(); });
    $('qt-cancel').addEventListener('click', () => edit(null));
    $('qt-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { label: { vi: $('qt-label-vi').value, en: $('qt-label-en').value }, text: { vi: $('qt-text-vi').value, en: $('qt-text-en').value } };
      const r = await api('POST', editing ? '/quicktexts/' + encodeURIComponent(editing) : '/quicktexts', body);
      $('qt-msg').textContent = r.ok ? '' : errText(r);
      if (r.ok) { edit(null); loadQuickTexts(false); }
    });
  });
}());
