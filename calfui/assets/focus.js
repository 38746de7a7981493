// Moves the keyboard focus to what comes next after an action (WCAG 2.4.3): a page drawn anew by Streamlit
// otherwise leaves the focus on the page body, and a keyboard or screen reader user starts again from the top.
// Once per `id`: the frontend may run this again with the same data on later reruns of the same page.
export default function ({ data }) {
  const done = (window.__calfFocused = window.__calfFocused || new Set());
  if (done.has(data.id)) return () => {};
  let tries = 0;
  const timer = setInterval(() => {
    const node = document.querySelector(data.selector);
    tries += 1;
    if (!node && tries < 100) return; // the element may be drawn a moment after this component
    clearInterval(timer);
    if (!node) return;
    done.add(data.id);
    if (!node.matches("a[href], button, input, select, textarea, [tabindex]")) node.setAttribute("tabindex", "-1");
    node.focus({ preventScroll: false });
  }, 50);
  return () => clearInterval(timer);
}
