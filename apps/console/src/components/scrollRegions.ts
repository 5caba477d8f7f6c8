/**
 * A table or a text wider than its screen scrolls sideways; whoever uses the keyboard must reach it
 * to scroll it (WCAG 2.1.1). Every such region is made focusable while it scrolls, whichever screen
 * drew it: antd draws them, and they scroll only at some widths and with some data.
 */
const REGIONS = '.ant-table-content, .ant-table-body, .cm-scroller';
const MARK = 'data-tb-scroll-focus';

function update(): void {
  for (const el of document.querySelectorAll<HTMLElement>(REGIONS)) {
    const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    const focusableInside = el.querySelector('[tabindex="0"], [contenteditable="true"]') !== null;
    if (scrolls && !focusableInside && !el.hasAttribute('tabindex')) {
      el.setAttribute('tabindex', '0');
      el.setAttribute(MARK, '');
    } else if (!scrolls && el.hasAttribute(MARK)) {
      el.removeAttribute('tabindex');
      el.removeAttribute(MARK);
    }
  }
}

/** Watches the page for regions that start or stop scrolling (new content, another width). */
export function keepScrollRegionsFocusable(): void {
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      update();
    });
  };
  new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  window.addEventListener('resize', schedule);
  schedule();
}
