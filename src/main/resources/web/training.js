// The Training page: polls GET /api/training?from=OFFSET and draws loss against step (and dev scores) as SVG.
'use strict';

const points = [];        // [step, loss, lr]
const evals = [];         // [step, score]
const notes = [];
let next = 0;
const chart = document.getElementById('chart');
const NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Round axis ticks: about n of them between lo and hi. */
function ticks(lo, hi, n) {
  const span = Math.max(1e-12, hi - lo);
  const step = Math.pow(10, Math.floor(Math.log10(span / n)));
  const nice = [1, 2, 5, 10].map(m => m * step).find(s => span / s <= n) || step * 10;
  const out = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9; v += nice) out.push(v);
  return out;
}

function draw() {
  const W = 1200, H = 420, L = 60, R = 60, T = 16, B = 40;
  chart.replaceChildren();
  chart.dataset.points = String(points.length);
  if (points.length === 0) {
    chart.append(svgEl('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle', fill: '#6b7685'}, 'no steps logged yet'));
    return;
  }
  const xs = points.map(p => p[0]), ys = points.map(p => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(x0 + 1, ...xs);
  const y0 = Math.min(...ys), y1 = Math.max(y0 + 1e-6, ...ys);
  const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const sy = y => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  for (const t of ticks(y0, y1, 6)) {
    chart.append(svgEl('line', {x1: L, x2: W - R, y1: sy(t), y2: sy(t), stroke: '#e5e9ef'}));
    chart.append(svgEl('text', {x: L - 6, y: sy(t) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#55606e'}, +t.toFixed(4)));
  }
  for (const t of ticks(x0, x1, 8)) {
    chart.append(svgEl('text', {x: sx(t), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#55606e'}, String(t)));
  }
  chart.append(svgEl('text', {x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12, fill: '#1d2430'}, 'step'));
  chart.append(svgEl('text', {x: 14, y: T + 10, 'font-size': 12, fill: '#2563eb'}, 'loss'));
  // At most ~2000 vertices: every k-th point, keeping the last.
  const k = Math.max(1, Math.ceil(points.length / 2000));
  const shown = points.filter((p, i) => i % k === 0 || i === points.length - 1);
  chart.append(svgEl('polyline', {class: 'loss', fill: 'none', stroke: '#2563eb', 'stroke-width': 1.6,
    points: shown.map(p => sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1)).join(' ')}));
  if (evals.length) {
    // Dev scores (exact match, BLEU / 100) are drawn on 0..1 unless they leave it.
    const e0 = Math.min(0, ...evals.map(e => e[1])), e1 = Math.max(1, ...evals.map(e => e[1]));
    const se = v => T + (1 - (v - e0) / (e1 - e0)) * (H - T - B);
    chart.append(svgEl('text', {x: W - R + 28, y: T + 10, 'font-size': 12, fill: '#16a34a'}, 'dev'));
    for (const t of ticks(e0, e1, 4)) {
      chart.append(svgEl('text', {x: W - R + 6, y: se(t) + 4, 'font-size': 11, fill: '#16a34a'}, +t.toFixed(3)));
    }
    for (const [s, v] of evals) {
      chart.append(svgEl('circle', {cx: sx(s), cy: se(v), r: 4, fill: '#16a34a'}));
    }
  }
}

async function poll() {
  let more = false;
  try {
    const r = await api('/api/training?from=' + next);
    if (r.reset) { points.length = 0; evals.length = 0; notes.length = 0; }
    document.getElementById('file').textContent = 'Following ' + r.file + ' (polled every 2 s).';
    if (!r.exists) {
      status('waiting for ' + r.file + ' to appear…', 'busy');
    } else {
      points.push(...r.points);
      evals.push(...r.evals);
      notes.push(...r.notes);
      next = r.next;
      more = r.next < r.size;     // a long log comes in chunks: fetch the rest at once
      if (points.length) {
        const last = points[points.length - 1];
        document.getElementById('step').textContent = String(last[0]);
        document.getElementById('loss').textContent = last[1].toFixed(4);
        document.getElementById('lr').textContent = last.length > 2 ? last[2].toExponential(2) : '–';
      }
      if (evals.length) document.getElementById('eval').textContent = evals[evals.length - 1][1].toFixed(4);
      document.getElementById('updated').textContent = new Date(r.modified_ms).toLocaleTimeString();
      document.getElementById('notes').textContent = notes.join('\n');
      status(points.length + ' steps logged');
      if (r.points.length || r.evals.length || r.reset || chart.dataset.points === '0') draw();
    }
  } catch (e) {
    status(e.message, 'error');
    if (e.message.startsWith('no training log')) return;   // nothing will appear: stop polling
  }
  setTimeout(poll, more ? 50 : 2000);
}

header('training');
poll();
