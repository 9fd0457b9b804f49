/*
 * Web chat page. Plain ES5 for old phones; no framework, no storage of any kind
 * (no localStorage, sessionStorage, IndexedDB, no history entries): everything lives in
 * this page's memory and is gone when the page is. Replies arrive over EventSource.
 * Every way out (the button, Esc, an option whose payload is "exit", and a typed
 * "thoát"/"exit"/"/stop", which the bot answers with exit: true) goes through quickExit().
 */
(function () {
  'use strict';
  var app = document.getElementById('app');
  if (!app) return;
  var base = app.getAttribute('data-base') || '/chat';
  var csrf = app.getAttribute('data-csrf') || '';
  var exitUrl = app.getAttribute('data-exit-url') || 'about:blank';
  var fresh = app.getAttribute('data-fresh') === '1';
  var logEl = byId('log');
  var scrollEl = byId('scroll');
  var optsEl = byId('options');
  var statusEl = byId('status');
  var politeEl = byId('announce');
  var urgentEl = byId('announce-urgent');
  var form = byId('form');
  var input = byId('text');
  var langBtn = byId('lang');
  var lang = 'vi';
  var lastSeq = 0;
  var acked = 0;
  var ackTimer = null;
  var es = null;
  var reconnectDelay = 1000;
  var exiting = false;

  /* The payload of the main menu's "Thoát nhanh": leave at once, without asking the server first. */
  var EXIT_PAYLOAD = 'exit';
  /* A text with the police number is an emergency: screen readers hear it at once. */
  var EMERGENCY = /(^|\D)113(\D|$)/;
  /* A reply often comes as several messages in a row; focus moves once, after the last. */
  var SETTLE_MS = 250;
  /* A message's padding and first line: less than this in view and it counts as out of view. */
  var FIRST_LINE_PX = 48;
  /* Room above a message scrolled to the top of the view (the log's gap). */
  var MARGIN_PX = 8;

  var UI = {
    vi: {
      title: 'Trò chuyện – Hỗ trợ', exit: 'Thoát nhanh', switchTo: 'English', switchLang: 'en',
      notice: 'Nhấn “Thoát nhanh” hoặc phím Esc để rời trang ngay. Trình duyệt không lưu tin nhắn.',
      aboutTitle: 'Trang này giữ kín cho bạn thế nào?',
      about1: 'Nút “Thoát nhanh” (hoặc phím Esc) lập tức thay trang này bằng một trang tin tức. Nút “Quay lại” của trình duyệt không mở lại cuộc trò chuyện.',
      about2: 'Trang không lưu tin nhắn trong trình duyệt. Chỉ có một cookie phiên, bị xoá khi bạn thoát nhanh hoặc đóng trình duyệt.',
      about3: 'Lịch sử duyệt web vẫn có thể ghi địa chỉ trang này. Để kín đáo hơn, hãy dùng chế độ ẩn danh, hoặc xoá lịch sử duyệt web sau khi trò chuyện (Cài đặt → Quyền riêng tư → Xoá dữ liệu duyệt web).',
      about4: 'Khi nguy hiểm, hãy gọi 113 (công an), 115 (cấp cứu) hoặc 111 (bảo vệ trẻ em).',
      label: 'Tin nhắn của bạn', placeholder: 'Nhập tin nhắn…', send: 'Gửi',
      logLabel: 'Tin nhắn', optionsLabel: 'Lựa chọn', composerLabel: 'Gửi tin nhắn',
      speakerBot: 'Trợ lý: ', speakerMe: 'Bạn: ',
      resumed: 'Bạn đang tiếp tục cuộc trò chuyện. Tin nhắn cũ không được lưu trên trang.', menu: 'Menu chính',
      resumeTitle: 'Tôi có mã quay lại', resumeLabel: 'Mã quay lại (8 ký tự, ví dụ K7M4-Q2XP)', resumeGo: 'Mở lại',
      resumeBad: 'Mã không đúng, đã dùng hoặc đã hết hạn. Hãy kiểm tra lại từng ký tự.',
      retrying: 'Chưa gửi được, đang thử lại…', failed: 'Chưa gửi được. Vui lòng kiểm tra mạng rồi gửi lại.',
      invalid: 'Tin nhắn này không gửi được (tối đa 2000 ký tự).', slow: 'Bạn đang gửi hơi nhanh. Xin chờ một chút rồi gửi lại.',
      ended: 'Phiên trò chuyện đã kết thúc. Tải lại trang để bắt đầu lại.', offline: 'Mất kết nối, đang kết nối lại…'
    },
    en: {
      title: 'Chat – Support', exit: 'Quick exit', switchTo: 'Tiếng Việt', switchLang: 'vi',
      notice: 'Press “Quick exit” or the Esc key to leave this page at once. The browser keeps no messages.',
      aboutTitle: 'How does this page keep things private?',
      about1: 'The “Quick exit” button (or the Esc key) instantly replaces this page with a news site. The browser’s Back button does not reopen the chat.',
      about2: 'Nothing of the chat is stored in this browser. There is only a session cookie, removed when you use quick exit or close the browser.',
      about3: 'Your browsing history may still list this page’s address. For more privacy use a private/incognito window, or clear your browsing history after chatting (Settings → Privacy → Clear browsing data).',
      about4: 'If you are in danger, call 113 (police), 115 (ambulance) or 111 (child protection).',
      label: 'Your message', placeholder: 'Type a message…', send: 'Send',
      logLabel: 'Messages', optionsLabel: 'Choices', composerLabel: 'Send a message',
      speakerBot: 'Assistant: ', speakerMe: 'You: ',
      resumed: 'You are continuing your conversation. Earlier messages are not kept on this page.', menu: 'Main menu',
      resumeTitle: 'I have a return code', resumeLabel: 'Return code (8 characters, e.g. K7M4-Q2XP)', resumeGo: 'Reopen',
      resumeBad: 'This code is wrong, used or expired. Please check each character.',
      retrying: 'Not sent yet, retrying…', failed: 'Not sent. Please check your connection and send again.',
      invalid: 'This message could not be sent (2000 characters at most).', slow: 'You are sending a little fast. Please wait a moment and try again.',
      ended: 'This chat session has ended. Reload the page to start again.', offline: 'Connection lost, reconnecting…'
    }
  };

  function byId(id) { return document.getElementById(id); }
  function t(key) { return UI[lang][key] || UI.vi[key] || ''; }

  function applyUi() {
    document.documentElement.setAttribute('lang', lang);
    document.title = t('title');
    each(app.querySelectorAll('[data-i18n]'), function (el) { el.textContent = t(el.getAttribute('data-i18n')); });
    each(app.querySelectorAll('[data-i18n-ph]'), function (el) { el.setAttribute('placeholder', t(el.getAttribute('data-i18n-ph'))); });
    each(app.querySelectorAll('[data-i18n-aria]'), function (el) { el.setAttribute('aria-label', t(el.getAttribute('data-i18n-aria'))); });
    langBtn.textContent = t('switchTo');
    langBtn.setAttribute('lang', t('switchLang'));
  }
  function each(list, fn) { for (var i = 0; i < list.length; i++) fn(list[i]); }

  /*
   * Quick exit: replace (not push) the page so Back never returns here; nothing to wait for.
   * The POST clears the cookie and the server's state; keepalive lets it finish after the
   * page is gone.
   */
  function quickExit(ev) {
    if (ev && ev.preventDefault) ev.preventDefault();
    if (exiting) return;
    exiting = true;
    try { if (es) es.close(); } catch (e) { /* ignore */ }
    try {
      if (window.fetch) {
        window.fetch(base + '/exit', { method: 'POST', keepalive: true, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } })['catch'](function () {});
      } else {
        var x = new XMLHttpRequest();
        x.open('POST', base + '/exit', true);
        x.setRequestHeader('X-CSRF-Token', csrf);
        x.send();
      }
    } catch (e) { /* leaving matters more */ }
    document.title = '';
    document.body.textContent = '';
    window.location.replace(exitUrl);
  }

  /* Phone numbers become tap-to-call links; everything else stays plain text. */
  var PHONE = /((?:^|[^\d])(?:11[1-5]|1800[ .]?\d{3,4}|0\d{9}))(?!\d)/;
  function appendText(el, text) {
    var rest = String(text);
    var m;
    while ((m = PHONE.exec(rest))) {
      var lead = m[1].match(/^\D?/)[0];
      var num = m[1].slice(lead.length);
      el.appendChild(document.createTextNode(rest.slice(0, m.index) + lead));
      var a = document.createElement('a');
      a.href = 'tel:' + num.replace(/\D/g, '');
      a.textContent = num;
      el.appendChild(a);
      rest = rest.slice(m.index + m[1].length);
    }
    el.appendChild(document.createTextNode(rest));
  }

  /* Who is speaking, for screen readers ("Trợ lý: …"); data-i18n makes it follow the language switch. */
  var SPEAKER = { bot: 'speakerBot', me: 'speakerMe' };
  function speakerLabel(key) {
    var span = document.createElement('span');
    span.className = 'sr';
    span.setAttribute('data-i18n', key);
    span.textContent = t(key);
    return span;
  }

  /* One message. tabindex -1: focus can be moved to it, but Tab never stops on it. */
  function bubble(who, text) {
    var div = document.createElement('div');
    div.className = 'msg ' + who;
    div.setAttribute('tabindex', '-1');
    if (SPEAKER[who]) div.appendChild(speakerLabel(SPEAKER[who]));
    appendText(div, text);
    logEl.appendChild(div);
    return div;
  }

  /*
   * The bot's choices, numbered as the bot counts them (typing "2" picks the second). The
   * page's own "Main menu" choice (on a resumed chat) is not one the bot counts: no number.
   */
  function showOptions(options, numbered) {
    optsEl.textContent = '';
    if (!options) return;
    for (var i = 0; i < options.length; i++) optsEl.appendChild(optionButton(options[i], numbered ? i + 1 : 0));
  }

  function optionButton(o, number) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'opt';
    b.setAttribute('data-payload', o.payload);
    if (number) b.appendChild(numberBadge(number));
    b.appendChild(document.createTextNode(o.label));
    b.addEventListener('click', function () { choose(o); });
    return b;
  }

  /*
   * A visible "2" in a badge, with a full stop that is not seen but read: the button's name
   * (from its content, so it always matches what is seen) is "2. Label".
   */
  function numberBadge(n) {
    var badge = document.createElement('span');
    badge.className = 'num';
    badge.textContent = String(n);
    var stop = document.createElement('span');
    stop.className = 'stop';
    stop.textContent = '.';
    badge.appendChild(stop);
    return badge;
  }

  /*
   * The view follows new messages down, but not past the start of the current turn (the
   * person's last message, or for the welcome the top of the page with the quick-exit hint
   * and the privacy notice): a long reply, or the long main menu, must not push its own first
   * lines out of sight. A message that would begin below the view starts a new screenful.
   */
  var turnStart = null;
  function follow(newest) {
    var view = scrollEl.clientHeight;
    var top = turnStart ? turnStart.offsetTop - MARGIN_PX : 0;
    // The welcome (no turn yet) stays at the top of the page: the quick-exit hint and the
    // privacy notice are the first screen, however long the menu below them is.
    if (turnStart && newest.offsetTop + FIRST_LINE_PX > top + view) {
      turnStart = newest;
      top = newest.offsetTop - MARGIN_PX;
    }
    scrollEl.scrollTop = Math.max(0, Math.min(scrollEl.scrollHeight - view, top));
  }
  function startTurn(el) {
    turnStart = el;
    follow(el);
  }

  /* Move focus without scrolling: follow() has already placed the view. */
  function focusQuietly(el) { el.focus({ preventScroll: true }); }

  /*
   * Where focus goes once a reply is complete: its first choice, else its newest message, so
   * focus never stays on <body> (where it falls when the tapped button is removed). Text in
   * the box means the person is typing: focus stays (a key press on a button would pick it).
   * After sending from the box, focus stays there too, unless the reply brought choices.
   */
  function focusAfterReply(newest, withOptions) {
    var inBox = document.activeElement === input;
    if (inBox && input.value) return;
    if (withOptions && optsEl.firstChild) focusQuietly(optsEl.firstChild);
    else if (!inBox) focusQuietly(newest);
  }

  /*
   * Screen readers hear each new bot message once, from a hidden live region (the log itself
   * is aria-live="off": some readers would re-read all of it). A new reply replaces the last
   * one's text there; emergency texts go to the assertive region.
   */
  function announce(text, startsReply) {
    if (startsReply) {
      politeEl.textContent = '';
      urgentEl.textContent = '';
    }
    var p = document.createElement('p');
    p.textContent = text;
    (EMERGENCY.test(text) ? urgentEl : politeEl).appendChild(p);
  }

  /* The reply being received: its newest message, whether that brought choices, and the settle timer. */
  var arriving = { newest: null, withOptions: false, timer: null };

  function showReply(text, options) {
    var el = bubble('bot', text);
    var withOptions = !!(options && options.length);
    showOptions(options, true);
    follow(el);
    announce(text, !arriving.newest);
    arriving.newest = el;
    arriving.withOptions = withOptions;
    if (arriving.timer) clearTimeout(arriving.timer);
    arriving.timer = setTimeout(settle, SETTLE_MS);
  }

  function settle() {
    var done = arriving;
    arriving = { newest: null, withOptions: false, timer: null };
    if (!exiting && done.newest) focusAfterReply(done.newest, done.withOptions);
  }

  function setStatus(text) { statusEl.textContent = text || ''; }

  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += ('0' + bytes[i].toString(16)).slice(-2);
    return s;
  }

  function post(path, body, done) {
    var x = new XMLHttpRequest();
    x.open('POST', base + path, true);
    x.setRequestHeader('Content-Type', 'application/json');
    x.setRequestHeader('X-CSRF-Token', csrf);
    x.timeout = 20000;
    x.onload = function () {
      var data = null;
      try { data = JSON.parse(x.responseText); } catch (e) { /* empty body */ }
      if (done) done(x.status, data);
    };
    x.onerror = x.ontimeout = function () { if (done) done(0, null); };
    x.send(JSON.stringify(body));
  }

  /* One message, one id: a retry after a network error or 503 is recognised and answered once. */
  function send(body, attempt, onRefused) {
    if (exiting) return;
    post('/send', body, function (status, data) {
      if (status >= 200 && status < 300) { setStatus(''); return; }
      if (status === 429) { setStatus(t('slow')); if (onRefused) onRefused(); return; }
      if (status === 400) { setStatus(t('invalid')); if (onRefused) onRefused(); return; }
      if (status === 401 || status === 403) { setStatus(t('ended')); return; }
      /* Many people writing at once: the server says how long to wait; the message goes by itself then. */
      if (status === 503 && data && data.error === 'busy' && typeof data.message === 'string') {
        setStatus(data.message);
        setTimeout(function () { send(body, attempt, onRefused); }, 1000 * Math.min(60, Math.max(1, Number(data.retryAfter) || 5)));
        return;
      }
      if (attempt < 6) {
        setStatus(t('retrying'));
        setTimeout(function () { send(body, attempt + 1, onRefused); }, 1000 * Math.pow(2, attempt));
      } else {
        setStatus(t('failed'));
        if (onRefused) onRefused();
      }
    });
  }

  /* The person's own message: shown at once, and the start of a new turn. */
  function showMine(text) {
    var el = bubble('me', text);
    startTurn(el);
    return el;
  }

  function choose(o) {
    if (o.payload === EXIT_PAYLOAD) { quickExit(); return; }
    var el = showMine(o.label);
    showOptions(null);
    focusQuietly(el); // the tapped button is gone: focus must not fall to <body>
    send({ id: newId(), payload: o.payload }, 0);
  }

  function scheduleAck() {
    if (ackTimer) return;
    ackTimer = setTimeout(function () {
      ackTimer = null;
      if (exiting) return;
      if (lastSeq > acked) { var s = lastSeq; post('/ack', { seq: s }, function (status) { if (status === 204) acked = Math.max(acked, s); }); }
    }, 700);
  }

  function onMessage(ev) {
    var m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if (typeof m.seq === 'number') {
      if (m.seq <= lastSeq) return;
      lastSeq = m.seq;
      scheduleAck();
    }
    // The person typed an exit ("thoát", "exit", "/stop"): leave as the button does.
    if (m.exit) { quickExit(); return; }
    showReply(m.text, m.options);
  }

  function connect() {
    if (exiting) return;
    es = new window.EventSource(base + '/stream?after=' + lastSeq);
    es.onmessage = onMessage;
    es.onopen = function () { reconnectDelay = 1000; if (statusEl.textContent === t('offline')) setStatus(''); };
    es.onerror = function () {
      if (exiting) return;
      setStatus(t('offline'));
      // CLOSED means the browser gave up (e.g. an error status): reconnect ourselves, resuming after lastSeq.
      if (es && es.readyState === 2) {
        es.close();
        es = null;
        setTimeout(connect, reconnectDelay);
        reconnectDelay = Math.min(reconnectDelay * 2, 30000);
      }
    };
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.replace(/^\s+|\s+$/g, '');
    if (!text) return;
    showMine(text);
    input.value = '';
    send({ id: newId(), text: text.slice(0, 2000) }, 0, function () { if (!input.value) input.value = text; });
    input.focus();
  });
  input.addEventListener('keydown', function (ev) {
    if ((ev.key === 'Enter' || ev.keyCode === 13) && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true })); }
  });
  byId('exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' || ev.key === 'Esc' || ev.keyCode === 27) quickExit(ev);
  });
  langBtn.addEventListener('click', function () {
    lang = lang === 'vi' ? 'en' : 'vi';
    applyUi();
    showMine(lang === 'en' ? 'English' : 'Tiếng Việt');
    send({ id: newId(), payload: 'lang:' + lang }, 0);
  });

  /*
   * A return code (given when the person asked to be contacted later) reopens that
   * conversation: the server swaps the session cookie, and the reloaded page shows what the
   * counsellor wrote meanwhile. The code is never kept on the page after it is sent.
   */
  var resumeForm = byId('resume-form');
  var resumeInput = byId('resume-code');
  var resumeStatus = byId('resume-status');
  resumeForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var code = resumeInput.value.replace(/^\s+|\s+$/g, '');
    if (!code) return;
    resumeStatus.textContent = '';
    post('/resume', { code: code }, function (status) {
      if (status === 200) { resumeInput.value = ''; window.location.replace(base); return; }
      resumeStatus.textContent = status === 429 ? t('slow') : status === 400 || status === 404 ? t('resumeBad') : t('failed');
      resumeInput.focus();
    });
  });

  applyUi();
  connect();
  if (fresh) {
    send({ id: newId(), payload: 'menu' }, 0);
  } else {
    bubble('note', t('resumed'));
    showOptions([{ label: t('menu'), payload: 'menu' }], false);
  }
})();
