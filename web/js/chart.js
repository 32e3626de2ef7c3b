import {h, s} from './dom.js';
import {formatNumber} from './format.js';

const DATE = /^\d{4}(-\d{2}(-\d{2}([ T][\d:.]+Z?)?)?)?$/;

function kindOf(values) {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'empty';
  if (present.every((v) => typeof v === 'number')) return 'number';
  if (present.every((v) => typeof v === 'string' && DATE.test(v))) return 'date';
  if (present.every((v) => typeof v === 'string')) return 'category';
  return 'mixed';
}

// What a result can be drawn as: a bar chart for one category column and one number column, a
// line for a date column and a number column; null otherwise.
export function chartSpec(columns, rows) {
  if (columns.length !== 2 || rows.length < 2) return null;
  const kinds = [0, 1].map((i) => kindOf(rows.map((r) => r[i])));
  const numberAt = kinds.indexOf('number');
  if (numberAt < 0) return null;
  const other = 1 - numberAt;
  if (kinds[other] !== 'category' && kinds[other] !== 'date') return null;
  const points = rows.filter((r) => r[numberAt] !== null && r[other] !== null).map((r) => ({label: String(r[other]), value: r[numberAt]}));
  if (points.length < 2) return null;
  if (kinds[other] === 'date') points.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return {type: kinds[other] === 'date' ? 'line' : 'bar', label: columns[other], measure: columns[numberAt], points};
}

const MAX_BARS = 25;

// Drawn at the width it will be shown at (up to 640 units), so that its text stays legible on a phone.
function drawingWidth() {
  const main = document.getElementById('main');
  return Math.round(Math.max(300, Math.min(640, (main ? main.clientWidth : 640) - 60)));
}

// Horizontal bars: labels stay readable on a phone.
export function barChart(points, {label, measure, title}) {
  const shown = points.slice(0, MAX_BARS);
  const max = Math.max(0, ...shown.map((p) => p.value));
  const min = Math.min(0, ...shown.map((p) => p.value));
  const span = max - min || 1;
  const width = drawingWidth(), rowH = 22, labelW = width < 480 ? 110 : 150, valueW = 80, barW = width - labelW - valueW;
  const height = shown.length * rowH + 8;
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, class: 'chart bar-chart', role: 'img',
                        'aria-label': title || `${measure} by ${label}`});
  const zero = labelW + ((0 - min) / span) * barW;
  shown.forEach((p, i) => {
    const y = 4 + i * rowH;
    const x = p.value >= 0 ? zero : zero - ((-p.value) / span) * barW;
    const w = Math.max(1, (Math.abs(p.value) / span) * barW);
    const fit = Math.floor(labelW / 7);
    const name = p.label.length > fit ? `${p.label.slice(0, fit - 1)}…` : p.label;
    svg.append(s('text', {x: labelW - 6, y: y + 15, 'text-anchor': 'end', class: 'chart-label'}, name),
               s('rect', {x, y: y + 3, width: w, height: rowH - 6, class: 'chart-bar'}, s('title', {}, `${p.label}: ${formatNumber(p.value)}`)),
               s('text', {x: labelW + barW + 4, y: y + 15, class: 'chart-value'}, formatNumber(p.value)));
  });
  const figure = h('figure', {class: 'chart-figure'}, svg, h('figcaption', {}, title || `${measure} by ${label}`,
    points.length > shown.length ? ` (first ${shown.length} of ${points.length})` : ''));
  return figure;
}

export function lineChart(points, {label, measure, title}) {
  const width = drawingWidth(), height = 260, left = 70, right = 16, top = 12, bottom = 42;
  const values = points.map((p) => p.value);
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo > 0 && lo < hi * 0.5) lo = 0;
  if (hi === lo) { hi += 1; lo -= 1; }
  const x = (i) => left + (points.length === 1 ? 0 : (i / (points.length - 1)) * (width - left - right));
  const y = (v) => top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom);
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, class: 'chart line-chart', role: 'img',
                        'aria-label': title || `${measure} by ${label}`});
  for (const t of [lo, (lo + hi) / 2, hi]) {
    svg.append(s('line', {x1: left, x2: width - right, y1: y(t), y2: y(t), class: 'chart-grid'}),
               s('text', {x: left - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'chart-value'}, formatNumber(t)));
  }
  svg.append(s('polyline', {points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' '), class: 'chart-line'}));
  points.forEach((p, i) => svg.append(s('circle', {cx: x(i), cy: y(p.value), r: 3, class: 'chart-point'},
                                        s('title', {}, `${p.label}: ${formatNumber(p.value)}`))));
  const step = Math.max(1, Math.ceil(points.length / Math.floor(width / 80)));
  points.forEach((p, i) => {
    if (i % step === 0 || i === points.length - 1) {
      svg.append(s('text', {x: x(i), y: height - bottom + 18, 'text-anchor': 'middle', class: 'chart-label'}, p.label));
    }
  });
  return h('figure', {class: 'chart-figure'}, svg, h('figcaption', {}, title || `${measure} by ${label}`));
}

export function chartFor(columns, rows) {
  const spec = chartSpec(columns, rows);
  if (!spec) return null;
  return spec.type === 'line' ? lineChart(spec.points, spec) : barChart(spec.points, spec);
}
