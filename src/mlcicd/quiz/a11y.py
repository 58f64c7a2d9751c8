"""Keyboard and screen-reader support for the quiz components, and their stylesheet.

ipywidgets' RadioButtons and Checkbox are native inputs, but ipywidgets gives them no accessible group name, its
HTML widget is no live region, and JupyterLab / Notebook 7 treat arrow keys and Enter on a focused radio button as
notebook shortcuts (ArrowDown selects the next cell). :class:`A11y` is an invisible widget placed in each
component's box; in the browser it

- marks the option group (``.mlcicd-choices``) ``role="radiogroup"`` or ``"group"``, named by the question
  (``.mlcicd-prompt``), and puts ``data-lm-suppress-shortcuts`` on each of its inputs so Lumino leaves their keys
  alone: the arrow keys move between options (the browser's own radio behaviour, once the radios share a name) and
  Enter checks the answer (the helper sends the chosen keys to :attr:`A11y.on_check`); every dropdown of the box
  gets the same attribute, so its arrow keys change its value instead of the selected cell;
- makes each ``.mlcicd-live`` output a polite live region (``role="status"``), so feedback is announced;
- moves focus where Python asks (:meth:`A11y.focus`) once the element exists, so focus never falls to the page
  body when a question is replaced or a button is disabled.

Its stylesheet (``_css``) makes long labels wrap beside their radio button or checkbox, keeps text boxes inside
the cell, and hides the static copy of each component (``.mlcicd-static``, see ``components.static_html``) when
the live widgets are on screen. Nothing here runs in a static export: there the static copy is what a reader sees.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["CSS", "A11y"]

CSS = """
.mlcicd-static, .jp-OutputArea-child:has(.mlcicd-static) { display: none !important; }
.mlcicd-quiz { max-width: 100%; box-sizing: border-box; }
.mlcicd-quiz .widget-html-content, .mlcicd-quiz .jupyter-widget-html-content { white-space: normal; line-height: 1.4; }
.mlcicd-quiz .widget-radio-box label, .mlcicd-quiz .jupyter-widget-radio-box label,
.mlcicd-quiz .widget-checkbox label, .mlcicd-quiz .jupyter-widget-checkbox label {
  display: flex; align-items: flex-start; gap: 0.5em; white-space: normal; overflow: visible;
  text-overflow: clip; height: auto; line-height: 1.4; margin-bottom: 0.3em;
}
.mlcicd-quiz .widget-checkbox, .mlcicd-quiz .jupyter-widget-checkbox { height: auto; width: auto; }
.mlcicd-quiz .widget-checkbox *, .mlcicd-quiz .jupyter-widget-checkbox * { white-space: normal; overflow: visible; }
.mlcicd-quiz .widget-radio-box input, .mlcicd-quiz .jupyter-widget-radio-box input,
.mlcicd-quiz .widget-checkbox input, .mlcicd-quiz .jupyter-widget-checkbox input {
  flex: none; order: -1; margin: 0.25em 0 0 0;  /* ipywidgets puts the radio after its text */
}
.mlcicd-quiz label:has(> input:checked) { font-weight: bold; }
.mlcicd-quiz textarea { box-sizing: border-box; max-width: 100%; color: var(--jp-widgets-input-color);
  background: var(--jp-widgets-input-background-color); }
.mlcicd-quiz :focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 2px; }
"""

_ESM = r"""
function enhance(root) {
  const prompt = root.querySelector(".mlcicd-prompt");
  if (prompt && !prompt.id) prompt.id = "mlcicd-" + Math.random().toString(36).slice(2);
  for (const group of root.querySelectorAll(".mlcicd-choices")) {
    if (group.closest(".mlcicd-quiz") !== root) continue;
    const radios = group.querySelector("input[type=radio]");
    group.setAttribute("role", radios ? "radiogroup" : "group");
    if (prompt) group.setAttribute("aria-labelledby", prompt.id);
    // Lumino matches a shortcut's selector from the event target upwards and stops at this attribute, so it must
    // sit on each input itself (the focused input already matches ":focus"). A shared name makes the radios one
    // group for the browser, whose arrow keys then move the choice inside it.
    const name = group.dataset.mlcicdName || (group.dataset.mlcicdName = "mlcicd-" + Math.random().toString(36).slice(2));
    for (const input of group.querySelectorAll("input")) {
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      if (input.type === "radio") input.name = name;
    }
  }
  // A dropdown (the ML Test Score rubric) changes its value with the arrow keys, which the notebook would take.
  for (const select of root.querySelectorAll("select")) select.setAttribute("data-lm-suppress-shortcuts", "true");
  for (const live of root.querySelectorAll(".mlcicd-live")) {
    if (live.getAttribute("role") === "status") continue;
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
  }
}

function onKeydown(model, root, event) {
  if (event.key !== "Enter" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.closest(".mlcicd-quiz") !== root) return;
  const group = input.closest(".mlcicd-choices");
  if (!group) return;
  event.preventDefault();
  event.stopPropagation();
  // The chosen keys travel with the request: ipywidgets may still hold back the radio's own state update.
  const keys = [...group.querySelectorAll("input:checked")]
    .map(i => (i.closest("label").innerText.trim().match(/^([A-Z])\./) || [])[1]).filter(Boolean);
  model.send({ event: "check", keys });
}

function focusWhenReady(root, selector, tries) {
  const target = [...root.querySelectorAll(selector)].find(
    e => e.offsetParent !== null && !e.disabled);
  if (target) {
    if (!target.matches("input, button, textarea, select, [tabindex]")) target.setAttribute("tabindex", "-1");
    target.focus();
  } else if (tries > 0) {
    setTimeout(() => focusWhenReady(root, selector, tries - 1), 50);
  }
}

function render({ model, el }) {
  let root = null, observer = null, stopped = false;
  const attach = (tries) => {
    if (stopped) return;
    root = el.isConnected ? el.closest(".mlcicd-quiz") : null;
    if (!root) { if (tries > 0) setTimeout(() => attach(tries - 1), 50); return; }
    enhance(root);
    observer = new MutationObserver(() => enhance(root));
    observer.observe(root, { childList: true, subtree: true });
    root.addEventListener("keydown", (event) => onKeydown(model, root, event));
    // ipywidgets reads a radio choice from "click" events; a choice moved with the arrow keys fires only "change".
    root.addEventListener("change", (event) => {
      const input = event.target;
      if (input instanceof HTMLInputElement && input.type === "radio" && input.checked) {
        input.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      }
    });
  };
  attach(200);
  const onFocus = () => {
    const request = model.get("focus_request");
    if (request && root) focusWhenReady(root, request.split("#")[0], 40);
  };
  model.on("change:focus_request", onFocus);
  return () => { stopped = true; if (observer) observer.disconnect(); model.off("change:focus_request", onFocus); };
}
export default { render };
"""


class A11y(anywidget.AnyWidget):
    """The invisible helper of one component box (see the module docstring)."""

    _esm = _ESM
    _css = CSS
    #: "<css selector>#<counter>": the counter makes a repeated request for the same selector a change.
    focus_request = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.layout.display = "none"
        self._requests = 0
        #: Called with the chosen option keys when Enter is pressed on an option (set by MultipleChoice).
        self.on_check = None
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "check" and self.on_check is not None:
            keys = content.get("keys")
            if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
                self.on_check(keys)

    def focus(self, selector: str) -> None:
        """Ask the browser to focus the first visible, enabled element of this component matching ``selector``."""
        self._requests += 1
        self.focus_request = f"{selector}#{self._requests}"
