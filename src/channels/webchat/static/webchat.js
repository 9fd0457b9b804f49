/*
 * Web chat page. Plain ES5 for old phones; no framework, no storage of any kind
 * (no localStorage, sessionStorage, IndexedDB, no history entries): everything lives in
 * this page's memory and is gone when the page is. Replies arrive over EventSource.
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
      logLabel: 'Tin nhắn', optionsLabel: 'Lựa chọn',
      resumed: 'Bạn đang tiếp tục cuộc trò chuyện. Tin nhắn cũ không được lưu trên trang.', menu: 'Menu chính',
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
      logLabel: 'Messages', optionsLabel: 'Choices',
      resumed: 'You are continuing your conversation. Earlier messages are not kept on this page.', menu: 'Main menu',
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

  /* Quick exit: replace (not push) the page so Back never returns here; nothing to wait for. */
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

  function bubble(who, text) {
    var div = document.createElement('div');
    div.className = 'msg ' + who;
    appendText(div, text);
    logEl.appendChild(div);
    toBottom();
    return div;
  }

  function showOptions(options) {
    optsEl.textContent = '';
    if (!options) return;
    each(options, function (o) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'opt';
      b.textContent = o.label;
      b.setAttribute('data-payload', o.payload);
      b.addEventListener('click', function () { choose(o); });
      optsEl.appendChild(b);
    });
    toBottom();
  }

  function toBottom() { scrollEl.scrollTop = scrollEl.scrollHeight; }
  /* A long reply (or a long list of buttons) must not scroll its own first lines out of view. */
  function reveal(el) {
    var top = el.offsetTop - 8;
    if (scrollEl.scrollHeight - top > scrollEl.clientHeight) scrollEl.scrollTop = top;
    else toBottom();
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
      if (attempt < 6) {
        setStatus(t('retrying'));
        setTimeout(function () { send(body, attempt + 1, onRefused); }, 1000 * Math.pow(2, attempt));
      } else {
        setStatus(t('failed'));
        if (onRefused) onRefused();
      }
    });
  }

  function choose(o) {
    bubble('me', o.label);
    showOptions(null);
    send({ id: newId(), payload: o.payload }, 0);
  }

  function scheduleAck() {
    if (ackTimer) return;
    ackTimer = setTimeout(function () {
      ackTimer = null;
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
    var el = bubble('bot', m.text);
    showOptions(m.options);
    reveal(el);
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
    bubble('me', text);
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
    bubble('me', lang === 'en' ? 'English' : 'Tiếng Việt');
    send({ id: newId(), payload: 'lang:' + lang }, 0);
  });

  applyUi();
  connect();
  if (fresh) {
    send({ id: newId(), payload: 'menu' }, 0);
  } else {
    bubble('note', t('resumed'));
    showOptions([{ label: t('menu'), payload: 'menu' }]);
  }
})();
