// A small element builder: h('p', {class: 'x', onclick: f}, 'text', child). Text is always
// set as text, never parsed as HTML, so data from the database cannot inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replaces an element's children, skipping absent ones as h() does.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const SVG = 'http://www.w3.org/2000/svg';
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined && value !== null) el.setAttribute(name, String(value));
  append(el, children);
  return el;
}

let ids = 0;
export function uid(prefix) { return `${prefix}-${++ids}`; }

// An error shown where it happened: the title and the full detail of a problem+json answer.
export function errorBox(error) {
  const box = h('div', {class: 'error', role: 'alert'});
  const status = error && error.status ? ` (${error.status})` : '';
  box.append(h('strong', {}, (error && error.title ? error.title : 'Error') + status), h('p', {}, error && error.detail ? error.detail : String(error)));
  return box;
}
