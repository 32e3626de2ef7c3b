import {get, post} from './api.js';
import {chartFor} from './chart.js';
import {errorBox, h, uid} from './dom.js';
import {download, percent, toCsv} from './format.js';
import {sqlBlock} from './sql.js';
import {dataTable} from './table.js';

const HISTORY = 'chatdb.history';
// The conversation outlives a visit to another view (not a reload: that is the history's job).
const transcript = h('div', {class: 'transcript', 'aria-live': 'polite'});
let databases = null;

function history() {
  try { return JSON.parse(sessionStorage.getItem(HISTORY) || '[]'); } catch { return []; }
}

function remember(question, database) {
  const items = history().filter((i) => i.question !== question || i.database !== database);
  items.unshift({question, database});
  sessionStorage.setItem(HISTORY, JSON.stringify(items.slice(0, 50)));
}

function confidenceBadge(c) {
  const level = c >= 0.8 ? 'high' : c >= 0.6 ? 'medium' : 'low';
  return h('span', {class: `badge confidence ${level}`, title: 'How sure the parser is of this reading'}, `Confidence ${percent(c)}`);
}

function readings(answer, database, ask, heading) {
  if (!answer.alternatives || answer.alternatives.length === 0) return null;
  return h('div', {class: 'alternatives'}, h('h4', {}, heading),
    h('ul', {}, answer.alternatives.map((alt) => h('li', {},
      h('button', {type: 'button', class: 'alternative', onclick: () => ask(alt.sql, database, {...alt, question: answer.question})},
        alt.explanation),
      h('span', {class: 'muted'}, ` ${percent(alt.confidence)}`)))));
}

function renderAnswer(answer, database, ask, reading) {
  const body = [];
  if (answer.clarification) {
    body.push(h('p', {class: 'clarification'}, answer.clarification));
    body.push(readings(answer, database, ask, 'Choose a reading'));
    return body;
  }
  // A chosen reading runs as its SQL; what it means, and how sure the parser was, are the reading's.
  body.push(h('p', {class: 'explanation'}, reading ? reading.explanation : answer.explanation, ' ',
    confidenceBadge(reading ? reading.confidence : answer.confidence)));
  body.push(sqlBlock(answer.sql));
  const chart = chartFor(answer.columns, answer.rows);
  if (chart) body.push(chart);
  body.push(dataTable(answer.columns, answer.rows, {truncated: answer.truncated, caption: `${answer.row_count} row${answer.row_count === 1 ? '' : 's'}`}));
  body.push(h('p', {class: 'actions'},
    h('button', {type: 'button', class: 'small', onclick: () => download('chatdb-result.csv', toCsv(answer.columns, answer.rows))}, 'Download CSV'),
    h('span', {class: 'muted'}, ` ${answer.elapsed_ms} ms · ${answer.backend} · ${database || answer.database}`)));
  body.push(readings(answer, database, ask, 'Other readings'));
  return body;
}

// `reading`: an alternative the user chose ({sql, explanation, confidence, question}).
async function ask(question, database, reading) {
  const turn = h('article', {class: 'turn'},
    h('h3', {class: 'question'}, reading ? reading.question : question),
    reading ? h('p', {class: 'muted reading'}, 'The reading you chose:') : null,
    h('p', {class: 'muted pending'}, 'Thinking…'));
  transcript.append(turn);
  turn.scrollIntoView({block: 'nearest'});
  const body = {query: question};
  if (database) body.database = database;
  try {
    const answer = await post('/query', body);
    answer.question = reading ? reading.question : question;
    turn.lastChild.replaceWith(...renderAnswer(answer, database, ask, reading).filter(Boolean));
  } catch (e) {
    turn.lastChild.replaceWith(errorBox(e));
  }
  turn.classList.add('done');
}

function historyList(input, select, submit) {
  const list = h('ol', {class: 'history-list'});
  const draw = () => {
    list.replaceChildren(...history().map((item) => h('li', {},
      h('button', {type: 'button', class: 'link', onclick: () => {
        input.value = item.question;
        if (item.database && [...select.options].some((o) => o.value === item.database)) select.value = item.database;
        submit();
      }}, item.question))));
    if (!list.childElementCount) list.append(h('li', {class: 'muted'}, 'Your questions appear here.'));
  };
  draw();
  return {list, draw};
}

export function chatView(root) {
  const inputId = uid('question');
  const input = h('input', {id: inputId, type: 'text', name: 'question', autocomplete: 'off', maxlength: 10240, required: true,
                            placeholder: 'e.g. total revenue by category', 'aria-describedby': `${inputId}-hint`});
  const select = h('select', {id: uid('database'), 'aria-label': 'Data source'}, h('option', {value: ''}, 'default source'));
  const sourceError = h('div');
  const submit = () => {
    const question = input.value.trim();
    if (!question) return;
    remember(question, select.value);
    past.draw();
    ask(question, select.value);
    input.value = '';
  };
  const past = historyList(input, select, submit);
  const form = h('form', {class: 'ask', onsubmit: (e) => { e.preventDefault(); submit(); }},
    h('label', {for: inputId}, 'Ask your data a question'),
    h('div', {class: 'ask-row'}, input, select, h('button', {type: 'submit', class: 'primary'}, 'Ask')),
    h('p', {id: `${inputId}-hint`, class: 'hint'}, 'Press Enter to send. The SQL, its explanation and the rows come back; nothing is ever written.'));
  root.append(h('h1', {}, 'Chat'), form, sourceError,
    h('div', {class: 'chat-layout'}, transcript, h('aside', {class: 'history', 'aria-label': 'History'}, h('h2', {}, 'History'), past.list)));
  const fill = (list) => {
    select.replaceChildren(...list.map((d) => h('option', {value: d.name, selected: d.default}, `${d.name} (${d.dialect})`)));
  };
  if (databases) fill(databases);
  else {
    get('/databases').then((r) => { databases = r.databases; fill(databases); }).catch((e) => sourceError.append(errorBox(e)));
  }
  input.focus();
  return {};
}
