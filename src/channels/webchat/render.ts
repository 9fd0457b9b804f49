/**
 * Web chat wire format and page. A reply becomes a small JSON message the page shows as
 * plain text (never HTML: the page sets textContent) with its options as buttons. The page
 * itself is one static HTML shell; its script and style sheet come from /chat/static
 * (the app's CSP forbids inline scripts and styles).
 */
import type { Outbound } from '../types';

/**
 * What the browser receives for one reply.
 * @example { text: 'Bạn cần gì?', options: [{ label: 'Tìm trợ giúp', payload: 'find_help' }] }
 */
export interface WebchatMessage {
  text: string;
  options?: { label: string; payload: string }[];
  /** The person used an exit (menu option, typed "thoát"/"exit"/"/stop"): the page leaves as the quick-exit button does. */
  exit?: true;
}

/** More buttons than this do not fit a phone screen; the engine never sends that many. */
export const MAX_OPTIONS = 12;

/** Outbound → web chat message. deleteMessageIds means nothing here: the page keeps nothing. */
export function renderWebchat(out: Outbound): WebchatMessage {
  const msg: WebchatMessage = { text: out.text };
  if (out.endsSession) msg.exit = true;
  if (out.options?.length) msg.options = out.options.slice(0, MAX_OPTIONS).map((o) => ({ label: o.label, payload: o.payload }));
  return msg;
}

/** Neutral site the quick exit replaces the chat with: a busy Vietnamese news homepage, fast and unremarkable. */
export const DEFAULT_EXIT_URL = 'https://vnexpress.net/';

/** The neutral tab title: nothing on the tab or first line says what the page is about. */
export const PAGE_TITLE = 'Trò chuyện – Hỗ trợ';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What the page shell needs. */
export interface PageOptions {
  /** Where the router is mounted (req.baseUrl), e.g. "/chat". */
  base: string;
  csrf: string;
  exitUrl: string;
  /** A session created by this very request: the page asks for the welcome. */
  fresh: boolean;
  /** Content hashes of the assets, in their URLs: a proxy that ignores no-store still never pairs this page with an older script. */
  cssVersion: string;
  jsVersion: string;
}

/**
 * The HTML shell (Vietnamese first; the script switches the interface to English). The
 * message log is not a live region itself (a reader would re-read it whole); the script puts
 * each new bot message into the hidden #announce region instead (#announce-urgent for the
 * emergency numbers).
 */
export function renderPage(p: PageOptions): string {
  const b = esc(p.base);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${esc(PAGE_TITLE)}</title>
<link rel="stylesheet" href="${b}/static/webchat.css?v=${esc(p.cssVersion)}">
<script src="${b}/static/webchat.js?v=${esc(p.jsVersion)}" defer></script>
</head>
<body>
<div id="app" class="app" data-base="${b}" data-csrf="${esc(p.csrf)}" data-exit-url="${esc(p.exitUrl)}" data-fresh="${p.fresh ? '1' : '0'}">
<header class="bar">
  <h1 class="title" data-i18n="title">${esc(PAGE_TITLE)}</h1>
  <button type="button" id="exit" class="exit" data-i18n="exit" aria-keyshortcuts="Escape">Thoát nhanh</button>
</header>
<main id="scroll" class="scroll">
<div class="intro">
  <p class="notice" id="notice" data-i18n="notice">Nhấn “Thoát nhanh” hoặc phím Esc để rời trang ngay. Trình duyệt không lưu tin nhắn.</p>
  <button type="button" id="lang" class="lang" lang="en">English</button>
</div>
<details class="about" id="about">
  <summary data-i18n="aboutTitle">Trang này giữ kín cho bạn thế nào?</summary>
  <ul>
    <li data-i18n="about1">Nút “Thoát nhanh” (hoặc phím Esc) lập tức thay trang này bằng một trang tin tức. Nút “Quay lại” của trình duyệt không mở lại cuộc trò chuyện.</li>
    <li data-i18n="about2">Trang không lưu tin nhắn trong trình duyệt. Chỉ có một cookie phiên, bị xoá khi bạn thoát nhanh hoặc đóng trình duyệt.</li>
    <li data-i18n="about3">Lịch sử duyệt web vẫn có thể ghi địa chỉ trang này. Để kín đáo hơn, hãy dùng chế độ ẩn danh, hoặc xoá lịch sử duyệt web sau khi trò chuyện (Cài đặt → Quyền riêng tư → Xoá dữ liệu duyệt web).</li>
    <li data-i18n="about4">Khi nguy hiểm, hãy gọi 113 (công an), 115 (cấp cứu) hoặc 111 (bảo vệ trẻ em).</li>
  </ul>
</details>
<details class="about" id="resume">
  <summary data-i18n="resumeTitle">Tôi có mã quay lại</summary>
  <form id="resume-form" class="resume" autocomplete="off" novalidate>
    <label for="resume-code" data-i18n="resumeLabel">Mã quay lại (8 ký tự, ví dụ K7M4-Q2XP)</label>
    <input id="resume-code" name="code" maxlength="12" autocomplete="off" autocapitalize="characters" spellcheck="false">
    <button type="submit" id="resume-go" data-i18n="resumeGo">Mở lại</button>
    <p id="resume-status" class="resume-status" role="status" aria-live="polite"></p>
  </form>
</details>
<div id="log" class="log" role="log" aria-live="off" aria-label="Tin nhắn" data-i18n-aria="logLabel" tabindex="-1"></div>
<div id="options" class="options" role="group" aria-label="Lựa chọn" data-i18n-aria="optionsLabel"></div>
</main>
<p id="status" class="status" role="status" aria-live="polite"></p>
<div id="announce" class="sr" aria-live="polite"></div>
<div id="announce-urgent" class="sr" aria-live="assertive"></div>
<form id="form" class="composer" autocomplete="off" novalidate aria-label="Gửi tin nhắn" data-i18n-aria="composerLabel">
  <label for="text" class="sr" data-i18n="label">Tin nhắn của bạn</label>
  <textarea id="text" name="text" rows="2" maxlength="2000" autocomplete="off" spellcheck="false" placeholder="Nhập tin nhắn…" data-i18n-ph="placeholder"></textarea>
  <button type="submit" id="send" class="send" data-i18n="send">Gửi</button>
</form>
<noscript><p class="status">Trang cần JavaScript để trò chuyện. Bạn cũng có thể nhắn qua Zalo hoặc Telegram.</p></noscript>
</div>
</body>
</html>
`;
}
