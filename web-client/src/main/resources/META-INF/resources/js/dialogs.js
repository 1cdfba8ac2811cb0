// One modal <dialog> reused for every small form (new room, browse rooms, new message, report, moderation, mute).
// It traps focus natively (showModal), closes on Escape, and gives focus back to what opened it.

import { el, clear } from './render.js';

const dialog = () => document.getElementById('dialog');

/**
 * Opens the dialog. `body` is a list of nodes; `onSubmit(form)` may throw an ApiError, shown in the dialog.
 * Without `onSubmit` the dialog only has a Close button.
 */
export function openDialog({ title, body, submitLabel = 'OK', onSubmit }) {
  const d = dialog();
  const opener = document.activeElement;
  document.getElementById('dialog-title').textContent = title;
  clear(document.getElementById('dialog-body')).append(...body);
  const error = document.getElementById('dialog-error');
  error.textContent = '';
  const submit = document.getElementById('dialog-submit');
  const cancel = document.getElementById('dialog-cancel');
  submit.textContent = submitLabel;
  submit.hidden = !onSubmit;
  cancel.textContent = onSubmit ? 'Cancel' : 'Close';
  const form = document.getElementById('dialog-form');
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!onSubmit) {
      close();
      return;
    }
    submit.disabled = true;
    try {
      await onSubmit(form);
      close();
    } catch (e) {
      error.textContent = e.describe ? e.describe() : e.message;
    } finally {
      submit.disabled = false;
    }
  };
  cancel.onclick = () => close();
  d.onclose = () => opener?.focus?.();
  d.showModal();
  const first = d.querySelector('#dialog-body input, #dialog-body textarea, #dialog-body select, #dialog-body button');
  (first || cancel).focus();
}

export function closeDialog() {
  close();
}

function close() {
  if (dialog().open) {
    dialog().close();
  }
}

export function showDialogError(text) {
  document.getElementById('dialog-error').textContent = text;
}

/** A labelled field for dialogs. */
export function field(label, input) {
  const id = input.id || `f-${Math.random().toString(36).slice(2)}`;
  input.id = id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), input);
}

let toastTimer;

/** A short status line at the bottom of the screen, announced to screen readers. */
export function toast(text) {
  let node = document.getElementById('toast');
  if (!node) {
    node = el('div', { id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite' });
    document.body.append(node);
  }
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    node.hidden = true;
  }, 4000);
}
