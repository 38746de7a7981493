// A save's confirmation ("Hop test saved: ...") belongs to that save alone. Editing a form doesn't rerun the page
// (Streamlit sends a form's values only with its button), so the page can't take the message back itself: here, the
// first change the person makes to any form after it hides every confirmation shown. Each confirmation sits in a
// container of its own, keyed once per save (calfui.widgets.saved_message), and is hidden by a style rule for that
// key: the next save's confirmation, even with the same words in the same place, has another key and shows.
// Installed once per browser tab.
export default function () {
  if (window.__calfSavedMessage) return () => {};
  window.__calfSavedMessage = true;
  const style = document.createElement("style");
  document.head.appendChild(style);
  const hidden = new Set();
  const hideShown = () => {
    document.querySelectorAll('[class*="st-key-calf_saved_"]').forEach((node) => {
      const name = [...node.classList].find((c) => c.startsWith("st-key-calf_saved_"));
      if (!name || hidden.has(name)) return;
      hidden.add(name);
      style.sheet.insertRule(`.${name} { display: none; }`, 0);
    });
  };
  const inForm = (target) => target instanceof Element && target.closest('[data-testid="stForm"]');
  // Typing is an `input` event. A tick box or a choice changed from the keyboard is a `change` event; a text box's
  // `change` only says it lost the focus after typing (as the Save button is pressed), already counted.
  const typed = (target) => target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement &&
    !["checkbox", "radio"].includes(target.type));
  document.addEventListener("input", (event) => {
    if (inForm(event.target)) hideShown();
  }, true);
  document.addEventListener("change", (event) => {
    if (inForm(event.target) && !typed(event.target)) hideShown();
  }, true);
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    // A choice tapped in a form (pills, a tick box, a number's + and -), but not its Save button.
    const choice = target.closest("button, label, [role='checkbox'], [role='radio']");
    if (inForm(target) && choice && !target.closest('[data-testid="stFormSubmitButton"]')) hideShown();
    // A choice in a list or calendar that opened over the page (a select box, a date).
    if (target.closest('[role="option"], [data-baseweb="calendar"]')) hideShown();
  }, true);
  return () => {};
}
