// The Attention page: POST /api/attention, then heatmaps (canvas) and bertviz-style lines (SVG) per head.
'use strict';

let data = null;
const mapSelect = document.getElementById('map');
const headSelect = document.getElementById('head');
const viewSelect = document.getElementById('view');
const out = document.getElementById('maps');

function kindName(k) {
  return {self: 'self-attention', causal_self: 'masked self-attention', cross: 'cross-attention'}[k] || k;
}

function mapName(m) {
  const stack = m.module.split('.')[0];
  return stack + (m.layer >= 0 ? ' layer ' + m.layer : '') + ' · ' + kindName(m.kind);
}

async function show() {
  const text = document.getElementById('text').value;
  out.dataset.ready = 'false';
  status('running the model…', 'busy');
  try {
    data = await api('/api/attention', {text: text});
  } catch (e) {
    status(e.message, 'error');
    return;
  }
  mapSelect.replaceChildren(...data.maps.map((m, i) => el('option', {value: String(i)}, mapName(m))));
  // Start where there is most to see: the top layer's cross-attention of a translation, else the top layer.
  let pick = data.maps.length - 1;
  for (let i = data.maps.length - 1; i >= 0; i--) if (data.maps[i].kind === 'cross') { pick = i; break; }
  mapSelect.value = String(pick);
  heads();
  const t = document.getElementById('translation');
  t.textContent = data.output !== undefined ? 'Translation: ' + data.output : '';
  draw();
  status(data.maps.length + ' attention maps');
}

function heads() {
  const m = data.maps[Number(mapSelect.value)];
  const old = headSelect.value;
  const opts = [el('option', {value: 'all'}, 'all ' + m.heads)];
  for (let h = 0; h < m.heads; h++) opts.push(el('option', {value: String(h)}, String(h)));
  headSelect.replaceChildren(...opts);
  headSelect.value = old && (old === 'all' || Number(old) < m.heads) ? old : 'all';
}

function draw() {
  if (!data) return;
  const m = data.maps[Number(mapSelect.value)];
  const rows = data.sequences[m.queries], cols = data.sequences[m.keys];
  const which = headSelect.value === 'all' ? [...Array(m.heads).keys()] : [Number(headSelect.value)];
  const figs = [];
  if (viewSelect.value === 'heatmap') {
    for (const h of which) figs.push(heatmap(m.weights[h], rows, cols, 'head ' + h, which.length > 1));
  } else {
    figs.push(lines(m, which, rows, cols));
  }
  out.replaceChildren(...figs);
  out.dataset.ready = 'true';
  out.dataset.map = m.module;
}

/** One head as a canvas: rows are queries, columns keys; darker is more attention. */
function heatmap(w, rows, cols, caption, small) {
  const cell = Math.max(small ? 6 : 10, Math.min(small ? 20 : 34, Math.floor((small ? 260 : 520) / Math.max(rows.length, cols.length))));
  const font = Math.min(12, cell);
  const ctx0 = document.createElement('canvas').getContext('2d');
  ctx0.font = font + 'px sans-serif';
  const width = s => Math.min(90, ctx0.measureText(s).width);
  const left = Math.ceil(Math.max(...rows.map(width))) + 8, top = Math.ceil(Math.max(...cols.map(width))) + 8;
  const c = el('canvas', {class: 'heatmap'});
  const ratio = window.devicePixelRatio || 1;
  const W = left + cols.length * cell + 4, H = top + rows.length * cell + 4;
  c.width = W * ratio; c.height = H * ratio;
  c.style.width = W + 'px'; c.style.height = H + 'px';
  const ctx = c.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  for (let q = 0; q < rows.length; q++) {
    for (let k = 0; k < cols.length; k++) {
      const v = w[q][k];
      const shade = Math.round(255 * (1 - Math.sqrt(v)));    // sqrt: small weights stay visible
      ctx.fillStyle = 'rgb(' + shade + ',' + Math.round(shade * 0.9 + 20) + ',255)';
      ctx.fillRect(left + k * cell, top + q * cell, cell - 1, cell - 1);
    }
  }
  ctx.fillStyle = '#1d2430';
  ctx.font = font + 'px sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  rows.forEach((s, q) => ctx.fillText(s, left - 4, top + q * cell + cell / 2, 90));
  cols.forEach((s, k) => {
    ctx.save();
    ctx.translate(left + k * cell + cell / 2, top - 4);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'left';
    ctx.fillText(s, 0, 0, 90);
    ctx.restore();
  });
  c.title = caption + ': rows attend (queries), columns are attended to (keys)';
  return el('figure', {}, c, el('figcaption', {}, caption));
}

/** Tokens in two columns, a line from each query to each key with opacity by weight; hover a token to isolate it. */
function lines(m, which, rows, cols) {
  const NS = 'http://www.w3.org/2000/svg';
  const rowH = 22, colW = 150, gap = 260;
  const H = Math.max(rows.length, cols.length) * rowH + 30;
  const s = document.createElementNS(NS, 'svg');
  s.setAttribute('width', String(colW * 2 + gap));
  s.setAttribute('height', String(H));
  s.setAttribute('class', 'lines');
  const colours = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#65a30d'];
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    s.append(e);
    return e;
  };
  add('text', {x: colW - 6, y: 14, 'text-anchor': 'end', 'font-size': 11, fill: '#6b7685'}, m.queries + ' (queries)');
  add('text', {x: colW + gap + 6, y: 14, 'font-size': 11, fill: '#6b7685'}, m.keys + ' (keys)');
  const y = i => 30 + i * rowH + rowH / 2;
  const linesByRow = rows.map(() => []);
  for (const h of which) {
    const w = m.weights[h];
    for (let q = 0; q < rows.length; q++) {
      for (let k = 0; k < cols.length; k++) {
        if (w[q][k] < 0.02) continue;
        linesByRow[q].push(add('line', {x1: colW, y1: y(q), x2: colW + gap, y2: y(k),
          stroke: colours[h % colours.length], 'stroke-width': 2, 'stroke-opacity': (w[q][k] / Math.sqrt(which.length)).toFixed(3)}));
      }
    }
  }
  rows.forEach((t, q) => {
    const label = add('text', {x: colW - 6, y: y(q) + 4, 'text-anchor': 'end', 'font-size': 13, class: 'query'}, t);
    label.addEventListener('mouseenter', () => linesByRow.forEach((ls, r) => ls.forEach(l => l.style.display = r === q ? '' : 'none')));
    label.addEventListener('mouseleave', () => linesByRow.forEach(ls => ls.forEach(l => l.style.display = '')));
  });
  cols.forEach((t, k) => add('text', {x: colW + gap + 6, y: y(k) + 4, 'font-size': 13}, t));
  return el('figure', {}, s, el('figcaption', {}, which.length > 1 ? 'all heads (one colour each); hover a query token'
    : 'head ' + which[0] + '; hover a query token'));
}

document.getElementById('show').onclick = show;
document.getElementById('text').addEventListener('keydown', e => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) show(); });
mapSelect.onchange = () => { heads(); draw(); };
headSelect.onchange = draw;
viewSelect.onchange = draw;

(async () => {
  header('attention');
  try {
    const m = await model();
    if (m.architecture === 'encoder_decoder') {
      document.getElementById('explain').textContent = 'The model translates your text and reads its own translation '
        + 'back: encoder self-attention, masked decoder self-attention and cross-attention (target rows over source columns).';
    }
    if (!m.tokenizer.encodes_text) status('This model has no tokenizer the server can read; use the API with "ids".', 'error');
  } catch (e) { status(e.message, 'error'); }
})();
