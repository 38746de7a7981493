// On a phone the open sidebar is a drawer over the page. A keyboard user who tabs out of it into the page would
// move the focus behind the drawer, out of sight (WCAG 2.4.7, 2.4.11): the drawer closes as the focus leaves it for
// something it covers, as it would for a tap outside it; and opened from its button, it takes the focus (its button
// comes after it in the page, so the next Tab would skip it). Installed once per browser tab.
export default function () {
  if (window.__calfDrawer) return () => {};
  window.__calfDrawer = true;
  document.addEventListener("focusin", (event) => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const target = event.target;
    if (!sidebar || sidebar.getAttribute("data-collapsed") !== "false" || !(target instanceof Element)) return;
    if (!target.closest('[data-testid="stMain"]')) return; // the page, not a list that opened over it
    const drawer = sidebar.getBoundingClientRect();
    const box = target.getBoundingClientRect();
    const covered = box.left < drawer.right && box.right > drawer.left && box.top < drawer.bottom && box.bottom > drawer.top;
    if (!covered) return;
    const collapse = sidebar.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (collapse) collapse.click();
    target.focus({ preventScroll: false });
  });
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !event.target.closest('[data-testid="stExpandSidebarButton"]')) return;
    let tries = 0;
    const timer = setInterval(() => {
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      const first = sidebar && sidebar.getAttribute("data-collapsed") === "false" && sidebar.querySelector("a[href], button");
      tries += 1;
      if (!first && tries < 200) return; // up to 5 s: on a busy phone the drawer can take a while to open
      clearInterval(timer);
      if (first) first.focus();
    }, 25);
  });
  return () => {};
}
