/* Console alerts for a night shift: a new person in the queue (above all a danger case) makes a
   sound (generated with Web Audio, no file; a switch remembered in this browser), a browser
   notification (permission asked by a button, never on load; the text names no one and quotes
   nothing), and the count in the tab title. The title also counts unread messages (unread.js).
   The on-duty switch shows the server's truth after a reload. */
'use strict';
(function () {
  const CX = window.CX;
  const { S, $, t, api } = CX;
  const A = { known: null, danger: new Set(), queue: [], unread: 0, audio: null, repeat: null };
  CX.alerts = A;
  const soundOn = () => localStorage.getItem('console.sound') !== 'off';
  const onDuty = () => !!($('online') && $('online').checked);

  /** One short beep (three, higher, for danger). The AudioContext starts on the first click or key. */
  function beep(danger) {
    if (!soundOn() || !A.audio) return;
    const ctx = A.audio;
    const n = danger ? 3 : 1;
    for (let i = 0; i < n; i++) {
      const start = ctx.currentTime + i * 0.25;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = danger ? 988 : 660;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start); osc.stop(start + 0.2);
    }
  }
  function unlockAudio() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!A.audio) { try { A.audio = new Ctx(); } catch (e) { A.audio = null; } }
    if (A.audio && A.audio.state === 'suspended') A.audio.resume().catch(() => {});
  }

  /** A notification that says only that someone waits (and whether it is danger). */
  function notify(danger) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(danger ? t('al.notify_danger') : t('al.notify_new'), { body: t('al.notify_body'), tag: danger ? 'gbv-queue-danger' : 'gbv-queue', requireInteraction: !!danger, silent: true });
      n.onclick = () => { window.focus(); CX.show('queue'); n.close(); };
    } catch (e) { /* some browsers only allow notifications from a service worker */ }
  }

  function updateTitle() {
    const parts = [];
    const dangerCount = A.queue.filter((q) => q.danger).length;
    if (A.queue.length) parts.push('(' + A.queue.length + ') ' + (dangerCount ? '⚠ ' + t('al.danger') + ' – ' : '') + t('al.queue'));
    if (A.unread) parts.push(A.unread + ' ' + t('al.unread'));
    document.title = (parts.length ? parts.join(' · ') + ' – ' : '') + t('title');
  }
  A.updateTitle = updateTitle;

  /** Re-read the queue; alert for people not seen before and for cases that became danger. */
  async function checkQueue() {
    if (!CX.isCounselling(S.me)) return;
    const r = await api('GET', '/queue?lang=' + S.lang, undefined, true);
    if (!r.ok) return;
    const q = r.data.queue;
    const fresh = A.known === null ? [] : q.filter((x) => !A.known.has(x.hid) || (x.danger && !A.danger.has(x.hid)));
    A.known = new Set(q.map((x) => x.hid));
    A.danger = new Set(q.filter((x) => x.danger).map((x) => x.hid));
    A.queue = q;
    updateTitle();
    if (fresh.length && onDuty()) {
      const danger = fresh.some((x) => x.danger);
      beep(danger);
      notify(danger);
    }
    // A danger case left waiting: beep again every minute until someone claims it.
    clearInterval(A.repeat); A.repeat = null;
    if (A.danger.size && onDuty()) A.repeat = setInterval(() => { if (A.danger.size && onDuty()) beep(true); }, 60_000);
  }
  A.checkQueue = checkQueue;

  function drawSound() {
    const b = $('sound');
    b.textContent = soundOn() ? t('al.sound_on') : t('al.sound_off');
    b.setAttribute('aria-pressed', String(soundOn()));
  }
  function drawPermission() {
    const show = !!S.me && 'Notification' in window && Notification.permission === 'default';
    $('notify-permission').classList.toggle('hidden', !show);
  }

  CX.on('ready', () => {
    document.addEventListener('pointerdown', unlockAudio, { capture: true });
    document.addEventListener('keydown', unlockAudio, { capture: true });
    $('sound').addEventListener('click', () => { localStorage.setItem('console.sound', soundOn() ? 'off' : 'on'); drawSound(); if (soundOn()) beep(false); });
    $('notify-permission').addEventListener('click', async () => {
      if (!('Notification' in window)) return;
      try { await Notification.requestPermission(); } catch (e) { /* refused */ }
      drawPermission();
    });
    $('lang').addEventListener('click', () => { drawSound(); updateTitle(); });
  });
  CX.on('start', async (me) => {
    const counselling = CX.isCounselling(me);
    $('sound').classList.toggle('hidden', !counselling);
    drawSound(); drawPermission();
    A.known = null;
    if (!counselling) return;
    const p = await api('GET', '/presence', undefined, true);
    if (p.ok) $('online').checked = !!p.data.online;
    await checkQueue();
  });
  CX.on('change', (c) => { if (c.kind === 'queue') checkQueue(); });
}());
