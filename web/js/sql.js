import {h} from './dom.js';

const KEYWORDS = new Set(('select from where and or not in is null as on join left right inner outer full cross group by order ' +
  'having limit offset distinct asc desc case when then else end like between exists union all count sum avg min max ' +
  'cast coalesce with true false strftime date extract interval nulls first last lower upper round').split(' '));
const TOKEN = /('(?:[^']|'')*')|("(?:[^"]|"")*")|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)|(--[^\n]*)|(\s+)|(.)/g;

// The SQL as a code block with keywords, strings, numbers and identifiers marked for CSS.
export function highlightedSql(sql) {
  const code = h('code', {class: 'sql'});
  for (const m of sql.matchAll(TOKEN)) {
    const [text, str, quoted, num, word, comment] = m;
    let cls = null;
    if (str) cls = 'sql-string';
    else if (quoted) cls = 'sql-ident';
    else if (num) cls = 'sql-number';
    else if (word && KEYWORDS.has(word.toLowerCase())) cls = 'sql-keyword';
    else if (comment) cls = 'sql-comment';
    code.append(cls ? h('span', {class: cls}, text) : document.createTextNode(text));
  }
  return code;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain http (an ingress without TLS): the older way, through a selected text area.
  const area = h('textarea', {class: 'offscreen', readonly: true});
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export function sqlBlock(sql) {
  const status = h('span', {class: 'copy-status', role: 'status'});
  const button = h('button', {type: 'button', class: 'small', onclick: async () => {
    try {
      await copyText(sql);
      status.textContent = 'Copied';
    } catch {
      status.textContent = 'Copy failed: select the SQL and copy it by hand';
    }
    setTimeout(() => { status.textContent = ''; }, 2500);
  }}, 'Copy SQL');
  return h('div', {class: 'sql-block'}, h('pre', {tabindex: 0, 'aria-label': 'SQL'}, highlightedSql(sql)),
           h('div', {class: 'sql-actions'}, button, status));
}
