import {get, post} from './api.js';
import {errorBox, fill, h, uid} from './dom.js';
import {formatNumber, when} from './format.js';

const COMMON = ['validation_fraction', 'seed', 'categorical_encoding'];
const PARAMS = {
  xgboost: ['num_rounds', 'max_depth', 'learning_rate', 'subsample', 'colsample_bytree', 'min_child_weight', 'reg_lambda', 'reg_alpha', 'max_bin', ...COMMON],
  linear: ['max_iter', 'learning_rate', 'l2', ...COMMON],
};
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const POLL_MS = 1000;

function field(label, control, hint) {
  const id = control.id;
  const error = h('span', {class: 'field-error', id: `${id}-error`, 'aria-live': 'polite'});
  control.setAttribute('aria-describedby', `${id}-error${hint ? ` ${id}-hint` : ''}`);
  return {error, node: h('div', {class: 'field'}, h('label', {for: id}, label), control,
                         hint ? h('span', {class: 'hint', id: `${id}-hint`}, hint) : null, error)};
}

// NAME=VALUE lines into an object: numbers and booleans typed, names checked for the algorithm.
export function parseParams(text, algorithm) {
  const params = {};
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`“${line}” is not NAME=VALUE`);
    const name = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    if (!PARAMS[algorithm].includes(name)) throw new Error(`${name} is not a parameter of ${algorithm}; it takes ${PARAMS[algorithm].join(', ')}`);
    if (raw === '') throw new Error(`${name} has no value`);
    params[name] = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return params;
}

function jobForm(onSubmitted) {
  const c = {
    model: h('input', {id: uid('job-model'), required: true, maxlength: 128, autocomplete: 'off', placeholder: 'churn'}),
    dataset: h('input', {id: uid('job-dataset'), required: true, maxlength: 2048, autocomplete: 'off', list: 'dataset-suggestions',
                         placeholder: 'file://demo/churn.csv'}),
    target: h('input', {id: uid('job-target'), maxlength: 256, autocomplete: 'off', placeholder: 'default: target, label or the last column'}),
    task: h('select', {id: uid('job-task')}, ['auto', 'classification', 'regression'].map((t) => h('option', {value: t}, t))),
    algorithm: h('select', {id: uid('job-algorithm')}, ['xgboost', 'linear'].map((t) => h('option', {value: t}, t))),
    cpu: h('input', {id: uid('job-cpu'), type: 'number', min: '0.1', step: '0.1', value: '1'}),
    priority: h('input', {id: uid('job-priority'), type: 'number', min: '-1000', max: '1000', step: '1', value: '0'}),
    params: h('textarea', {id: uid('job-params'), rows: 3, spellcheck: 'false', placeholder: 'num_rounds=50\nmax_depth=4'}),
  };
  const f = {
    model: field('Model name', c.model, 'letters, digits, . _ -'),
    dataset: field('Dataset', c.dataset, 'file://PATH under the dataset root, s3://BUCKET/KEY or table://SOURCE/TABLE'),
    target: field('Target column', c.target),
    task: field('Task', c.task),
    algorithm: field('Algorithm', c.algorithm),
    cpu: field('CPUs', c.cpu),
    priority: field('Priority', c.priority, 'higher runs first'),
    params: field('Parameters', c.params, 'one NAME=VALUE per line'),
  };
  const hintParams = () => { f.params.node.querySelector('.hint').textContent = `one NAME=VALUE per line: ${PARAMS[c.algorithm.value].join(', ')}`; };
  c.algorithm.addEventListener('change', hintParams);
  hintParams();
  const result = h('div', {role: 'status'});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Submit job');

  const check = () => {
    const errors = {};
    const model = c.model.value.trim();
    if (!model) errors.model = 'A model name is required.';
    else if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(model)) errors.model = 'Use letters, digits, ".", "_" and "-", starting with a letter or digit.';
    const dataset = c.dataset.value.trim();
    if (!dataset) errors.dataset = 'A dataset is required.';
    else if (!/^(s3:\/\/[^/\s]+\/\S+|file:\/\/\S+|table:\/\/[^/\s]+\/\S+)$/.test(dataset)) errors.dataset = 'Use file://PATH, s3://BUCKET/KEY or table://SOURCE/TABLE.';
    const cpu = Number(c.cpu.value);
    if (!(cpu > 0)) errors.cpu = 'CPUs must be a number greater than 0.';
    const priority = Number(c.priority.value);
    if (!Number.isInteger(priority) || priority < -1000 || priority > 1000) errors.priority = 'A whole number from -1000 to 1000.';
    let params = {};
    try { params = parseParams(c.params.value, c.algorithm.value); } catch (e) { errors.params = e.message; }
    for (const [name, {error}] of Object.entries(f)) {
      error.textContent = errors[name] || '';
      if (errors[name]) c[name].setAttribute('aria-invalid', 'true');
      else c[name].removeAttribute('aria-invalid');
    }
    const first = Object.keys(f).find((name) => errors[name]);
    if (first) { c[first].focus(); return null; }
    const job = {model_name: model, dataset_location: dataset, cpu_request: cpu, task: c.task.value, algorithm: c.algorithm.value, priority, params};
    if (c.target.value.trim()) job.target = c.target.value.trim();
    return job;
  };

  const form = h('form', {class: 'panel', novalidate: true, 'aria-labelledby': 'new-job-heading', onsubmit: async (e) => {
    e.preventDefault();
    result.replaceChildren();
    const job = check();
    if (!job) return;
    submit.disabled = true;
    try {
      const created = await post('/jobs', job);
      result.replaceChildren(h('p', {}, `Job ${created.id} submitted: ${created.status}` +
        (created.queue_position ? `, position ${created.queue_position} in the queue` : '') + '.'));
      onSubmitted();
    } catch (err) {
      result.replaceChildren(errorBox(err));
    } finally {
      submit.disabled = false;
    }
  }},
  h('h2', {id: 'new-job-heading'}, 'Train a model'),
  h('datalist', {id: 'dataset-suggestions'}, ['file://demo/churn.csv', 'file://demo/house_prices.csv', 'table://demo/products', 'table://demo/customers']
    .map((v) => h('option', {value: v}))),
  h('div', {class: 'form-grid'}, Object.values(f).map((x) => x.node)),
  h('div', {class: 'form-actions'}, submit), result);
  return form;
}

function metricsText(metrics) {
  if (!metrics || typeof metrics !== 'object') return '';
  return Object.entries(metrics).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ');
}

// One row per job, updated in place on each poll so that focus (a Cancel button) survives.
function jobRow(refresh) {
  const cells = {job: h('td'), status: h('td'), progress: h('td'), details: h('td'), action: h('td')};
  const cancel = h('button', {type: 'button', class: 'small danger'}, 'Cancel');
  cells.action.append(cancel);
  const row = h('tr', {}, Object.values(cells));
  let current = null;
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await post(`/jobs/${encodeURIComponent(current.id)}/cancel`);
    } catch (e) {
      cells.details.replaceChildren(errorBox(e));
    }
    refresh();
  });
  const update = (job) => {
    current = job;
    row.dataset.job = job.id;
    row.dataset.status = job.status;
    fill(cells.job, h('strong', {}, job.model_name), h('br'), h('code', {class: 'muted', title: job.id}, job.id.slice(0, 8)),
      h('br'), h('span', {class: 'muted'}, when(job.submitted_at)));
    fill(cells.status, h('span', {class: `status ${job.status}`}, job.status),
      job.queue_position ? h('div', {class: 'muted'}, `#${job.queue_position} in queue`) : null,
      job.attempts > 1 ? h('div', {class: 'muted'}, `attempt ${job.attempts}`) : null);
    const p = Math.max(0, Math.min(1, job.progress || 0));
    fill(cells.progress, h('progress', {max: 1, value: job.status === 'succeeded' ? 1 : p, 'aria-label': `Progress of ${job.model_name}`}),
      ` ${Math.round((job.status === 'succeeded' ? 1 : p) * 100)}%`);
    const details = [h('div', {class: 'muted'}, `${job.algorithm} · ${job.dataset_location}`)];
    if (job.error) details.push(h('div', {class: 'job-error'}, job.error));
    if (job.status === 'succeeded') {
      details.push(h('div', {}, h('a', {href: `#/models/${encodeURIComponent(job.model_name)}`}, `${job.model_name} v${job.model_version}`),
        ' ', h('span', {class: 'muted'}, metricsText(job.metrics))));
    }
    cells.details.replaceChildren(...details);
    const open = !TERMINAL.has(job.status);
    cancel.hidden = !open;
    cancel.disabled = !open;
  };
  return {row, update};
}

export function jobsView(root) {
  const body = h('tbody');
  const state = h('p', {class: 'muted', role: 'status'});
  const problem = h('div');
  const rows = new Map();
  let timer = null;
  let left = false;

  async function refresh() {
    clearTimeout(timer);
    try {
      const r = await get('/jobs?limit=50');
      problem.replaceChildren();
      const seen = new Set();
      r.jobs.forEach((job, i) => {
        seen.add(job.id);
        let entry = rows.get(job.id);
        if (!entry) { entry = jobRow(refresh); rows.set(job.id, entry); }
        entry.update(job);
        if (body.children[i] !== entry.row) body.insertBefore(entry.row, body.children[i] || null);
      });
      for (const [id, entry] of rows) if (!seen.has(id)) { entry.row.remove(); rows.delete(id); }
      const active = r.jobs.filter((j) => !TERMINAL.has(j.status)).length;
      state.textContent = r.jobs.length ? `${r.jobs.length} most recent jobs, ${active} queued or running.` : 'No jobs yet.';
    } catch (e) {
      problem.replaceChildren(errorBox(e));
    }
    if (!left) timer = setTimeout(refresh, POLL_MS);
  }

  root.append(h('h1', {}, 'Jobs'), jobForm(refresh),
    h('section', {class: 'panel', 'aria-labelledby': 'queue-heading'}, h('h2', {id: 'queue-heading'}, 'Queue and history'), state, problem,
      h('div', {class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'Jobs'},
        h('table', {class: 'data jobs'}, h('thead', {}, h('tr', {}, ['Job', 'Status', 'Progress', 'Details', ''].map((c) => h('th', {scope: 'col'}, c)))), body))));
  refresh();
  return {leave: () => { left = true; clearTimeout(timer); }};
}
