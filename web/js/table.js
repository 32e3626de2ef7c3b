import {h} from './dom.js';
import {formatCell} from './format.js';

const SHOWN = 200;

// Rows as an HTML table in a scrollable, focusable box: numbers rounded and right-aligned,
// at most 200 rows drawn, and a note whenever fewer rows are shown than there are.
export function dataTable(columns, rows, {truncated = false, caption = ''} = {}) {
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const table = h('table', {class: 'data'},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', {scope: 'col', class: numeric[i] ? 'num' : null}, c)))),
    h('tbody', {}, rows.slice(0, SHOWN).map((r) => h('tr', {}, r.map((v, i) => h('td', {class: numeric[i] ? 'num' : null, title: v === null ? 'NULL' : null}, formatCell(v)))))));
  const notes = [];
  if (rows.length === 0) notes.push('No rows.');
  if (rows.length > SHOWN) notes.push(`Showing the first ${SHOWN} of ${rows.length} rows; the CSV has them all.`);
  if (truncated) notes.push(`The answer was cut at ${rows.length} rows (the row limit); there are more in the database.`);
  return h('div', {class: 'table-wrap'},
    h('div', {class: 'scroll', tabindex: 0, role: 'region', 'aria-label': caption || 'Result rows'}, table),
    notes.length ? h('p', {class: 'note truncation'}, notes.join(' ')) : null);
}
