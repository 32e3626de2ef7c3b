import {get, post} from './api.js';
import {errorBox, h, uid} from './dom.js';
import {formatCell} from './format.js';

// What a user can ask about: each table with its columns (type, kind, key), the keys between
// tables (declared and inferred from the data), and the stored values of text columns, which
// the parser recognises in questions. The search filters tables and columns as one types.
function quoteIdent(name) { return `"${name.replace(/"/g, '""')}"`; }

async function showValues(database, table, column, into, button) {
  button.disabled = true;
  const sql = `SELECT ${quoteIdent(column)}, COUNT(*) AS rows FROM ${quoteIdent(table)} GROUP BY 1 ORDER BY 2 DESC LIMIT 50`;
  try {
    const r = await post('/query', database ? {query: sql, database} : {query: sql});
    into.replaceChildren(h('p', {class: 'values'}, h('strong', {}, `${column}: `),
      r.rows.map((row, i) => [i ? ', ' : '', formatCell(row[0]), h('span', {class: 'muted'}, ` (${row[1]})`)]),
      r.rows.length === 50 ? ' …' : ''));
  } catch (e) {
    into.replaceChildren(errorBox(e));
  } finally {
    button.disabled = false;
  }
}

function tableCard(t, keys, database) {
  const values = h('div');
  const outgoing = keys.filter((k) => k.table === t.name);
  const incoming = keys.filter((k) => k.ref_table === t.name);
  return h('section', {class: 'panel schema-table', dataset: {table: t.name}},
    h('h2', {}, t.name, h('span', {class: 'muted'}, `${formatCell(t.row_count)} rows`)),
    h('div', {class: 'scroll', tabindex: 0, role: 'region', 'aria-label': `Columns of ${t.name}`},
      h('table', {class: 'data'},
        h('thead', {}, h('tr', {}, ['Column', 'Type', 'Kind', 'Key', 'Values'].map((c) => h('th', {scope: 'col'}, c)))),
        h('tbody', {}, t.columns.map((c) => {
          const fk = outgoing.find((k) => k.column === c.name);
          const button = (c.kind === 'text' || c.kind === 'boolean') && !c.primary_key
            ? h('button', {type: 'button', class: 'small', 'aria-label': `Show stored values of ${t.name}.${c.name}`,
                           onclick: (e) => showValues(database, t.name, c.name, values, e.currentTarget)}, 'Values')
            : null;
          return h('tr', {dataset: {column: c.name}},
            h('td', {}, c.name), h('td', {}, c.type || ''), h('td', {}, c.kind),
            h('td', {}, c.primary_key ? 'primary key' : fk ? `→ ${fk.ref_table}.${fk.ref_column}${fk.inferred ? ' (inferred)' : ''}` : ''),
            h('td', {}, button));
        })))),
    values,
    incoming.length ? h('h3', {class: 'keys-heading'}, 'Keys pointing here') : null,
    incoming.length ? h('ul', {class: 'keys'}, incoming.map((k) =>
      h('li', {}, `${k.table}.${k.column} → ${t.name}.${k.ref_column}${k.inferred ? ' (inferred from the data)' : ''}`))) : null);
}

export function schemaView(root) {
  const searchId = uid('schema-search');
  const select = h('select', {id: uid('schema-db'), 'aria-label': 'Data source'});
  const search = h('input', {id: searchId, type: 'search', class: 'search', placeholder: 'Filter tables and columns', autocomplete: 'off'});
  const summary = h('p', {class: 'muted', role: 'status'});
  const list = h('div');
  root.append(h('h1', {}, 'Schema'),
    h('div', {class: 'form-actions'}, h('label', {for: searchId}, 'Search'), search, select,
      h('button', {type: 'button', onclick: () => load(true)}, 'Re-read schema')),
    summary, list);
  let cards = [];

  const filter = () => {
    const q = search.value.trim().toLowerCase();
    let shown = 0;
    for (const {card, table} of cards) {
      const tableHit = table.name.toLowerCase().includes(q);
      let columnHit = false;
      for (const row of card.querySelectorAll('tbody tr')) {
        const hit = q !== '' && row.dataset.column.toLowerCase().includes(q);
        row.classList.toggle('selected', hit);
        columnHit ||= hit;
      }
      card.hidden = q !== '' && !tableHit && !columnHit;
      if (!card.hidden) shown += 1;
    }
    summary.textContent = q ? `${shown} of ${cards.length} tables match “${search.value.trim()}”.` : summary.dataset.full;
  };
  search.addEventListener('input', filter);

  async function load(refresh = false) {
    list.replaceChildren(h('p', {class: 'muted'}, 'Reading the schema…'));
    try {
      const params = new URLSearchParams();
      if (select.value) params.set('database', select.value);
      if (refresh) params.set('refresh', 'true');
      const schema = await get(`/schema?${params}`);
      const keys = schema.foreign_keys || [];
      cards = schema.tables.map((t) => ({table: t, card: tableCard(t, keys, schema.database)}));
      summary.dataset.full = `${schema.database}: ${schema.tables.length} tables, ${keys.length} keys between them, ` +
        `${schema.indexed_values} stored values the parser recognises in questions.`;
      list.replaceChildren(...cards.map((c) => c.card));
      filter();
    } catch (e) {
      list.replaceChildren(errorBox(e));
    }
  }

  get('/databases').then((r) => {
    select.replaceChildren(...r.databases.map((d) => h('option', {value: d.name, selected: d.default}, d.name)));
    select.addEventListener('change', () => load());
    load();
  }).catch((e) => list.replaceChildren(errorBox(e)));
  return {};
}
