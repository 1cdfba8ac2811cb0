// DOM helpers. Message text is only ever put into the page as text nodes (never innerHTML), so markup in a
// message shows as the characters it is; links become anchors built element by element.

const LINK = /\bhttps?:\/\/[^\s<>"']+/gi;

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      node.className = value;
    } else if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? '' : value);
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Message text as text nodes, http(s) links as safe anchors, and mentions of the reader highlighted. */
export function messageText(text, ownUsername) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    // Trailing punctuation usually ends the sentence, not the URL.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    addMentions(fragment, text.slice(last, match.index), ownUsername);
    fragment.append(el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url));
    last = match.index + url.length;
  }
  addMentions(fragment, text.slice(last), ownUsername);
  return fragment;
}

function addMentions(fragment, text, ownUsername) {
  if (!ownUsername || !text) {
    fragment.append(document.createTextNode(text));
    return;
  }
  const own = `@${ownUsername}`.toLowerCase();
  const parts = text.split(/(@[A-Za-z0-9_.-]+)/);
  for (const part of parts) {
    if (part.toLowerCase() === own) {
      fragment.append(el('mark', { class: 'mention' }, part));
    } else if (part) {
      fragment.append(document.createTextNode(part));
    }
  }
}

export function timeOf(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function clear(node) {
  node.replaceChildren();
  return node;
}
