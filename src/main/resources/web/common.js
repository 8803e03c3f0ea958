// Shared helpers of the workbench pages: the API, the header, small DOM utilities. No build step, no libraries.
'use strict';

/** Calls the JSON API; rejects with the server's {"error"} message on a 4xx/5xx. */
async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)
  };
  const res = await fetch(path, opts);
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* not JSON: SVG or an empty body */ }
  if (!res.ok) {
    throw new Error(json && json.error ? json.error : ('HTTP ' + res.status));
  }
  return json !== null ? json : text;
}

/** Creates an element: el('div', {class: 'x'}, 'text', child, ...). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.substring(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** Formats a parameter count: 1234567 -> "1.23M". */
function count(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(2) + 'B';
  if (n >= 1e6) return (n / 1e6).toFixed(2) + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return String(n);
}

/** Shows a status line: kind is '', 'busy' or 'error'. */
function status(text, kind) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = 'status ' + (kind || '');
}

/** The model's description (GET /api/model), fetched once per page. */
let modelInfo = null;
async function model() {
  if (modelInfo === null) modelInfo = await api('/api/model');
  return modelInfo;
}

/** Draws the navigation bar with the current page marked and the model's name. */
async function header(current) {
  const nav = document.getElementById('nav');
  const pages = [['figure', 'Figure'], ['attention', 'Attention'], ['playground', 'Playground'], ['training', 'Training']];
  nav.append(el('a', {href: '/', class: 'brand'}, 'transformer4j'));
  for (const [p, label] of pages) {
    nav.append(el('a', {href: '/' + p, class: p === current ? 'current' : ''}, label));
  }
  const name = el('span', {class: 'model'}, '');
  nav.append(name);
  try {
    const m = await model();
    name.textContent = m.name + ' · ' + m.architecture.replace('_', '-') + ' · ' + count(m.parameters) + ' parameters';
  } catch (e) {
    name.textContent = 'server not reachable: ' + e.message;
  }
}
