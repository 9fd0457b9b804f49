/* Keyboard: Enter sends (Shift+Enter makes a new line; not while an input method is composing
   Vietnamese), Alt+N claims the next person (danger first, then the longest waiting: the
   queue's own order), Alt+↑/↓ switches between my cases, Alt+Q focuses quick insert, Esc leaves
   a text box. Outside the message box nothing typed in a text field is taken over. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, api } = CX;
  const editable = (e) => !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' || e.tagName === 'SELECT' || e.isContentEditable);
  const counselling = () => CX.isCounselling(S.me);

  async function claimNext() {
    const r = await api('GET', '/queue?lang=' + S.lang, undefined, true);
    if (!r.ok) return;
    const next = r.data.queue[0];
    if (!next) { if (S.view === 'queue') $('queue-msg').textContent = t('kb.nobody'); return; }
    CX.claim(next.hid);
  }
  function switchCase(step) {
    const items = [...document.querySelectorAll('#case-list li[data-hid]')].map((li) => li.getAttribute('data-hid'));
    if (!items.length) return;
    const i = items.indexOf(S.hid);
    const next = items[(i + step + items.length) % items.length];
    if (S.view !== 'cases') { S.hid = next; CX.show('cases'); return; }
    if (next !== S.hid) { S.hid = next; S.lastSeq = 0; CX.refresh(false); }
  }

  CX.on('ready', () => {
    $('send-text').addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' || ev.shiftKey || ev.altKey || ev.ctrlKey || ev.metaKey || ev.isComposing || ev.keyCode === 229) return;
      ev.preventDefault();
      $('send-form').requestSubmit();
    });
    document.addEventListener('keydown', (ev) => {
      if (!counselling() || !$('block-dialog').classList.contains('hidden')) return;
      if (ev.key === 'Escape' && editable(ev.target)) { ev.target.blur(); return; }
      if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
      // In a text field only Alt+arrows act (they type nothing); Alt+letters may type characters.
      const arrows = ev.key === 'ArrowUp' || ev.key === 'ArrowDown';
      if (editable(ev.target) && !arrows) return;
      if (arrows) { ev.preventDefault(); switchCase(ev.key === 'ArrowUp' ? -1 : 1); } else if (ev.code === 'KeyN') { ev.preventDefault(); claimNext(); } else if (ev.code === 'KeyQ') {
        ev.preventDefault();
        if (S.view !== 'cases') CX.show('cases');
        const q = $('quick'); if (q && !$('chat').classList.contains('hidden')) q.focus();
      }
    });
  });
}());
