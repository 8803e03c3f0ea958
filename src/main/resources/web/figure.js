// The Figure page: the server's traced SVG, pan and zoom by viewBox, click to open or close modules.
'use strict';

const state = {level: 'paper', expand: new Set(), collapse: new Set()};
const box = document.getElementById('figure');
const tip = document.getElementById('tooltip');
let svg = null;
let full = null;          // the drawing's own viewBox [x, y, w, h]
let view = null;          // the current viewBox
let modules = {};         // module path -> {type, parameters}

function figureUrl() {
  let url = '/api/figure?format=svg&level=' + state.level;
  for (const p of state.expand) url += '&expand=' + encodeURIComponent(p);
  for (const p of state.collapse) url += '&collapse=' + encodeURIComponent(p);
  return url;
}

async function load() {
  status('tracing and drawing…', 'busy');
  const url = figureUrl();
  let text;
  try {
    text = await api(url);
  } catch (e) {
    status(e.message, 'error');
    return;
  }
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  svg = document.importNode(doc.documentElement, true);
  const vb = svg.getAttribute('viewBox').split(/\s+/).map(Number);
  full = vb;
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  box.replaceChildren(svg);
  fit();
  wire();
  const nodes = svg.querySelectorAll('g.node').length;
  box.dataset.nodes = String(nodes);
  box.dataset.loads = String(Number(box.dataset.loads) + 1);
  box.dataset.url = url;
  status(nodes + ' boxes, ' + svg.querySelectorAll('path.edge').length + ' arrows at the ' + state.level + ' level');
  chips();
  const q = new URLSearchParams();
  q.set('level', state.level);
  for (const p of state.expand) q.append('expand', p);
  for (const p of state.collapse) q.append('collapse', p);
  history.replaceState(null, '', '/figure?' + q.toString());
}

function chips() {
  const mk = (set, cls) => [...set].map(p => el('span', {class: 'chip ' + cls, title: 'click to undo',
    onclick: () => { set.delete(p); load(); }}, p));
  document.getElementById('opened').replaceChildren(...mk(state.expand, ''));
  document.getElementById('closed').replaceChildren(...mk(state.collapse, 'closed'));
}

// ---- pan and zoom: only the viewBox changes ----

function setView(v) {
  view = v;
  svg.setAttribute('viewBox', v.map(x => x.toFixed(2)).join(' '));
}

function fit() {
  setView(full.slice());   // the whole drawing; preserveAspectRatio centres it
}

function zoom(factor, cx, cy) {
  const [x, y, w, h] = view;
  const nw = Math.min(full[2] * 8, Math.max(20, w * factor));
  const nh = h * nw / w;
  setView([cx - (cx - x) * nw / w, cy - (cy - y) * nh / h, nw, nh]);
}

function toDrawing(clientX, clientY) {
  const pt = svg.createSVGPoint();
  pt.x = clientX; pt.y = clientY;
  const p = pt.matrixTransform(svg.getScreenCTM().inverse());
  return [p.x, p.y];
}

let drag = null;
box.addEventListener('mousedown', e => {
  if (!svg || e.button !== 0) return;
  drag = {x: e.clientX, y: e.clientY, view: view.slice(), moved: false};
});
window.addEventListener('mousemove', e => {
  if (!drag) return;
  const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; box.classList.add('dragging'); }
  if (!drag.moved) return;
  const scale = view[2] / box.getBoundingClientRect().width;
  setView([drag.view[0] - dx * scale, drag.view[1] - dy * scale, view[2], view[3]]);
});
window.addEventListener('mouseup', () => {
  box.classList.remove('dragging');
  setTimeout(() => { drag = null; }, 0);   // the click that ends a drag is not a click on a box
});
box.addEventListener('wheel', e => {
  if (!svg) return;
  e.preventDefault();
  const [cx, cy] = toDrawing(e.clientX, e.clientY);
  zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, cx, cy);
}, {passive: false});

document.getElementById('fit').onclick = () => fit();
document.getElementById('zoom-in').onclick = () => zoom(1 / 1.3, view[0] + view[2] / 2, view[1] + view[3] / 2);
document.getElementById('zoom-out').onclick = () => zoom(1.3, view[0] + view[2] / 2, view[1] + view[3] / 2);
document.getElementById('reset').onclick = () => { state.expand.clear(); state.collapse.clear(); load(); };
document.getElementById('level').onchange = e => { state.level = e.target.value; load(); };

// ---- clicks and hover ----

function isModule(kind) {
  return kind && /^[A-Z]/.test(kind);
}

function parent(path) {
  const i = path.lastIndexOf('.');
  return i < 0 ? '' : path.substring(0, i);
}

function openModule(path) {
  state.collapse.delete(path);
  if (state.level === 'paper') state.level = 'blocks';   // the paper level always draws modules as the paper does
  if (state.level === 'blocks') state.expand.add(path);   // at the ops level, removing the collapse opens it
  document.getElementById('level').value = state.level;
  load();
}

function closeGroup(path, repeat) {
  if (repeat > 1 && state.level !== 'ops') {
    // A frame drawn once for N identical layers: clicking it draws all N (opens their list).
    const list = parent(path);
    if (list && modules[list]) { state.expand.add(list); load(); return; }
  }
  state.expand.delete(path);
  state.collapse.add(path);
  load();
}

function describeModule(path) {
  const m = modules[path];
  return m ? '\n' + m.type + ' · ' + count(m.parameters) + ' parameters (' + m.parameters.toLocaleString() + ')' : '';
}

function showTip(e, text) {
  tip.textContent = text;
  tip.style.display = 'block';
  tip.style.left = (e.clientX + 14) + 'px';
  tip.style.top = (e.clientY + 14) + 'px';
}

function wire() {
  for (const t of svg.querySelectorAll('title')) t.remove();   // our tooltip replaces the browser's
  for (const g of svg.querySelectorAll('g.node')) {
    const path = g.dataset.path || '', kind = g.dataset.kind || '';
    g.addEventListener('mousemove', e => {
      let text = g.id + (kind ? '  (' + kind + ')' : '');
      if (g.dataset.shape) text += '\nshape ' + g.dataset.shape.replace(/,/g, ' × ').replace(/[\[\]]/g, '');
      if (isModule(kind)) text += describeModule(path) + '\nclick to open';
      showTip(e, text);
    });
    g.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
    g.addEventListener('click', e => {
      e.stopPropagation();
      if (drag && drag.moved) return;
      if (isModule(kind) && path) openModule(path);
    });
  }
  const frames = svg.querySelectorAll('g.group, g.group-title');
  for (const g of frames) {
    const id = g.dataset.group;
    const frame = svg.querySelector('g.group[data-group="' + CSS.escape(id) + '"]');
    const path = frame ? frame.dataset.path : '';
    const repeat = frame ? Number(frame.dataset.repeat) : 1;
    g.addEventListener('mousemove', e => {
      showTip(e, path + (repeat > 1 ? '  ×' + repeat : '') + describeModule(path)
        + (repeat > 1 && state.level !== 'ops' ? '\nclick to draw all ' + repeat : '\nclick to close'));
    });
    g.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
    g.addEventListener('click', e => {
      e.stopPropagation();
      if (drag && drag.moved) return;
      if (path) closeGroup(path, repeat);
    });
  }
}

async function start() {
  header('figure');
  const q = new URLSearchParams(location.search);
  if (['paper', 'blocks', 'ops'].includes(q.get('level'))) state.level = q.get('level');
  for (const p of q.getAll('expand')) state.expand.add(p);
  for (const p of q.getAll('collapse')) state.collapse.add(p);
  document.getElementById('level').value = state.level;
  try {
    for (const m of (await model()).modules) modules[m.path] = m;
  } catch (e) { /* the figure still works without parameter counts */ }
  load();
}
start();
