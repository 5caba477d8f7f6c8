import { createHash } from 'node:crypto';

/**
 * The one stylesheet and script of every page a client sees (the portal and the unsubscribe pages),
 * served by the app itself (`/portal/assets/…`, no CDN), so the pages run under a strict
 * Content-Security-Policy without inline code. The colours meet WCAG AA contrast on their backgrounds.
 */
export const CLIENT_PAGE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f4f5f7;color:#1f2328;font:16px/1.5 -apple-system,"Segoe UI",Roboto,Arial,sans-serif;overflow-wrap:anywhere}
a{color:#1a5fb4}
a:hover{color:#134a8e}
:focus-visible{outline:3px solid #f6c343;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px 12px;z-index:10}
.skip:focus{left:8px;top:8px}
.top{background:#1a5fb4;color:#fff}
.top .wrap{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;padding-top:14px;padding-bottom:14px}
.brand{font-weight:600;font-size:18px;display:flex;align-items:center;gap:10px;min-width:0}
.brand .logo{display:block;height:40px;width:auto;max-width:160px;background:#fff;border-radius:4px;padding:2px}
.langs{display:flex;gap:4px;margin:0;padding:0;list-style:none}
.langs a{display:inline-block;color:#fff;text-decoration:none;padding:4px 10px;border-radius:999px;border:1px solid rgba(255,255,255,.6);font-size:14px}
.langs a[aria-current="true"]{background:#fff;color:#1a5fb4;font-weight:600}
.wrap{max-width:760px;margin:0 auto;padding-left:16px;padding-right:16px}
main.wrap{padding-top:24px;padding-bottom:40px}
h1{font-size:26px;line-height:1.25;margin:0 0 8px}
h2{font-size:20px;line-height:1.3;margin:0 0 12px}
.lead{color:#57606a;margin:0 0 20px}
.tabs{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 20px;padding:0;list-style:none}
.tabs a{display:inline-block;padding:6px 14px;border-radius:999px;background:#fff;border:1px solid #d0d7de;text-decoration:none;color:#1f2328;font-size:15px}
.tabs a:hover{border-color:#1a5fb4}
.card{background:#fff;border-radius:10px;padding:24px 20px;margin:0 0 20px;box-shadow:0 1px 2px rgba(31,35,40,.08)}
@media (min-width:600px){.card{padding:28px 32px}}
fieldset{border:0;margin:0 0 22px;padding:0;min-width:0}
legend{font-weight:600;font-size:17px;padding:0;margin:0 0 4px}
.hint{color:#57606a;font-size:14px;margin:0 0 10px}
.choice{display:flex;gap:10px;align-items:flex-start;padding:8px 0}
.choice input{margin:3px 0 0;width:20px;height:20px;flex:none;accent-color:#1a5fb4}
.choice label{flex:1;cursor:pointer}
.choice .desc{display:block;color:#57606a;font-size:14px}
.field{margin:0 0 16px}
.field label{display:block;font-weight:600;margin:0 0 4px}
.field .hint{margin:4px 0 0}
input[type=text],input[type=email],input[type=tel],input[type=time],select,textarea{width:100%;max-width:100%;font:inherit;color:inherit;padding:10px 12px;border:1px solid #8c959f;border-radius:6px;background:#fff}
textarea{min-height:110px;resize:vertical}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border-color:#cf222e;border-width:2px}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media (max-width:420px){.row.stack{grid-template-columns:1fr}}
.button{display:inline-block;font:inherit;font-weight:600;padding:12px 22px;border:0;border-radius:6px;background:#1a5fb4;color:#fff;cursor:pointer;text-decoration:none;text-align:center;max-width:100%}
.button:hover{background:#134a8e;color:#fff}
.button.danger{background:#b42318}
.button.danger:hover{background:#8f1c13}
.button.ghost{background:#fff;color:#1a5fb4;border:1px solid #1a5fb4}
.actions{display:flex;flex-wrap:wrap;gap:12px;align-items:center}
.actions.sticky{position:sticky;bottom:0;z-index:1;background:#fff;padding:12px 0;margin-bottom:-12px;border-top:1px solid #d0d7de}
@media (min-width:600px){.actions.sticky{position:static;border-top:0;padding:0;margin-bottom:0}}
input.time{max-width:7em;font-variant-numeric:tabular-nums}
input:disabled,select:disabled{background:#eaeef2;color:#6e7781;border-color:#d0d7de;cursor:not-allowed}
.notice{border-radius:8px;padding:14px 16px;margin:0 0 20px;border:1px solid}
.notice p{margin:0}
.notice.ok{background:#dafbe1;border-color:#4ac26b;color:#0f3d1e}
.notice.err{background:#ffebe9;border-color:#ff8182;color:#6e1210}
.notice.warn{background:#fff8c5;border-color:#d4a72c;color:#3b2300}
.notice ul{margin:6px 0 0;padding-left:20px}
.notice a{color:inherit}
.error{color:#b42318;font-size:14px;margin:4px 0 0}
.scale{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0 4px}
.scale label{position:relative;display:inline-flex}
.scale input{position:absolute;opacity:0;width:1px;height:1px}
.scale span{display:inline-block;min-width:40px;padding:8px 0;text-align:center;border:1px solid #8c959f;border-radius:6px;cursor:pointer;background:#fff}
.scale input:checked+span{background:#1a5fb4;color:#fff;border-color:#1a5fb4;font-weight:600}
.scale input:focus-visible+span{outline:3px solid #f6c343;outline-offset:2px}
.scale .none span{padding-left:10px;padding-right:10px}
.ends{display:flex;justify-content:space-between;color:#57606a;font-size:13px;max-width:520px}
.muted{color:#57606a;font-size:14px}
footer.wrap{color:#57606a;font-size:13px;padding-bottom:32px}
`;

/** Progressive enhancement only: every form works without it. */
export const CLIENT_PAGE_JS = `
(function () {
  'use strict';
  var quiet = document.getElementById('quiet-enabled');
  if (quiet) {
    var toggle = function () {
      ['quiet-start', 'quiet-end'].forEach(function (id) {
        var el = document.getElementById(id);
        if (el) el.disabled = !quiet.checked;
      });
    };
    quiet.addEventListener('change', toggle);
    toggle();
  }
  var channels = document.querySelectorAll('input[data-channel]');
  var sync = function () {
    channels.forEach(function (box) {
      var radio = document.getElementById('preferred-' + box.getAttribute('data-channel'));
      if (!radio) return;
      radio.disabled = !box.checked;
      if (!box.checked && radio.checked) {
        var none = document.getElementById('preferred-none');
        if (none) none.checked = true;
      }
    });
  };
  channels.forEach(function (box) { box.addEventListener('change', sync); });
  sync();
  var first = document.querySelector('.notice.err a[href^="#"]');
  if (first) first.focus();
})();
`;

/** Short content hashes: the asset URLs change with the content, so they can be cached for long. */
export const CLIENT_PAGE_CSS_VERSION = createHash('sha256')
  .update(CLIENT_PAGE_CSS)
  .digest('hex')
  .slice(0, 12);
export const CLIENT_PAGE_JS_VERSION = createHash('sha256').update(CLIENT_PAGE_JS).digest('hex').slice(0, 12);
