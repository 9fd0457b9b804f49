/* Console: the label catalogue (content/labels/<lang>.yaml, served by GET /console/api/labels).
   CX.label(kind, code) gives the label of any code in the console's language; the code itself
   only if the catalogue lacks it (content:check fails before that ships). CX.fmtWait writes
   waits with whole words ("12 phút", "1 giờ 05 phút"). */
'use strict';
(function () {
  const CX = window.CX;
  const { S, t } = CX;
  let labels = {};
  let loadedFor = null;
  /** Load the catalogue of the current language (once per language). */
  async function loadLabels() {
    if (loadedFor === S.lang) return;
    const r = await CX.api('GET', '/labels?lang=' + S.lang, undefined, true);
    if (r.ok) { labels = r.data.labels || {}; loadedFor = S.lang; }
  }
  const hasLabel = (kind, code) => !!(labels[kind] && code != null && Object.prototype.hasOwnProperty.call(labels[kind], code));
  /** The label of a code of a kind (violence, outcome, channel, province, topic, auditAction, error …). */
  const label = (kind, code) => (code == null || code === '' ? '–' : hasLabel(kind, code) ? labels[kind][code] : String(code));
  const labelList = (kind, codes) => (codes && codes.length ? codes.map((c) => label(kind, c)).join(', ') : '–');
  function fmtWait(ms) {
    const m = Math.max(0, Math.floor(ms / 60000));
    if (m < 60) return m + ' ' + t('unit.min');
    return Math.floor(m / 60) + ' ' + t('unit.hour') + ' ' + String(m % 60).padStart(2, '0') + ' ' + t('unit.min');
  }
  Object.assign(CX, { loadLabels, label, labelList, hasLabel, fmtWait });
  CX.on('ready', () => {
    // After console.js has switched S.lang and refreshed: load the other language, then redraw with it.
    CX.$('lang').addEventListener('click', async () => {
      if (!S.me) return;
      await loadLabels();
      CX.emit('labels');
      CX.refresh(false);
    });
  });
}());
