import {get, post, put} from './api.js';
import {barChart} from './chart.js';
import {errorBox, h, uid} from './dom.js';
import {formatNumber, percent, when} from './format.js';

const path = (name) => `/models/${encodeURIComponent(name)}`;

function metricList(metrics) {
  const entries = Object.entries(metrics || {}).filter(([, v]) => typeof v === 'number');
  if (!entries.length) return h('p', {class: 'muted'}, 'No metrics recorded.');
  return h('dl', {class: 'metrics'}, entries.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, formatNumber(v)))));
}

function importanceChart(importance) {
  const points = Object.entries(importance || {}).map(([label, value]) => ({label, value: Math.round(value * 1000) / 10}))
    .sort((a, b) => b.value - a.value);
  if (!points.length) return null;
  return barChart(points, {label: 'feature', measure: 'importance', title: 'Feature importance (% of the total)'});
}

function predictForm(model, version) {
  const features = (version.metadata && version.metadata.features) || [];
  if (!features.length) return h('p', {class: 'muted'}, 'This version records no features to predict from.');
  const controls = features.map((f) => {
    const id = uid('feature');
    const control = f.type === 'numeric'
      ? h('input', {id, type: 'number', step: 'any', name: f.name, placeholder: 'empty: missing'})
      : h('select', {id, name: f.name}, h('option', {value: ''}, '(missing)'), (f.categories || []).map((c) => h('option', {value: c}, c)));
    return {f, control, node: h('div', {class: 'field'}, h('label', {for: id}, f.name, ' ', h('span', {class: 'muted'}, f.type)), control)};
  });
  const result = h('div', {role: 'status', 'aria-live': 'polite'});
  const form = h('form', {class: 'predict', onsubmit: async (e) => {
    e.preventDefault();
    const instance = {};
    for (const {f, control} of controls) {
      const raw = control.value.trim();
      instance[f.name] = raw === '' ? null : f.type === 'numeric' ? Number(raw) : raw;
    }
    result.replaceChildren(h('p', {class: 'muted'}, 'Predicting…'));
    try {
      const r = await post('/predict', {model: model.name, version: version.version, instances: [instance]});
      const out = [h('p', {class: 'prediction'}, 'Prediction: ', h('strong', {}, typeof r.predictions[0] === 'number' ? formatNumber(r.predictions[0]) : String(r.predictions[0])),
        h('span', {class: 'muted'}, ` (${r.model} v${r.version})`))];
      if (r.probabilities && r.classes) {
        out.push(h('dl', {class: 'metrics'}, r.classes.map((c, i) => h('div', {}, h('dt', {}, `P(${c})`), h('dd', {}, percent(r.probabilities[0][i]))))));
      }
      result.replaceChildren(...out);
    } catch (err) {
      result.replaceChildren(errorBox(err));
    }
  }},
  h('div', {class: 'form-grid'}, controls.map((c) => c.node)),
  h('div', {class: 'form-actions'}, h('button', {type: 'submit', class: 'primary'}, 'Predict')), result);
  return form;
}

function aliasForm(model, versions, onChanged) {
  const aliasId = uid('alias');
  const alias = h('input', {id: aliasId, required: true, maxlength: 128, autocomplete: 'off', placeholder: 'production'});
  const versionId = uid('alias-version');
  const select = h('select', {id: versionId}, versions.map((v) => h('option', {value: v.version}, `version ${v.version}`)));
  const result = h('div', {role: 'status'});
  const current = Object.entries(model.aliases || {});
  return h('form', {class: 'alias-form', onsubmit: async (e) => {
    e.preventDefault();
    const name = alias.value.trim();
    if (!name) { result.replaceChildren(errorBox({title: 'Alias needed', detail: 'Type an alias name such as production.'})); alias.focus(); return; }
    try {
      await put(`${path(model.name)}/aliases/${encodeURIComponent(name)}`, {version: Number(select.value)});
      const moved = model.aliases && model.aliases[name] !== undefined && model.aliases[name] !== Number(select.value);
      result.replaceChildren(h('p', {}, `${name} ${moved ? 'moved' : 'set'} to version ${select.value}.`));
      onChanged();
    } catch (err) {
      result.replaceChildren(errorBox(err));
    }
  }},
  h('p', {}, current.length ? ['Aliases: ', current.map(([a, v], i) => [i ? ', ' : '', h('strong', {}, a), ` → v${v}`])] : 'No aliases yet.'),
  h('div', {class: 'form-actions'}, h('label', {for: aliasId}, 'Alias'), alias, h('label', {for: versionId}, 'points to'), select,
    h('button', {type: 'submit'}, 'Set alias')),
  result);
}

function versionDetail(model, version) {
  const m = version.metadata || {};
  const target = m.target && m.target.name ? m.target.name : '';
  return h('section', {class: 'panel version-detail', 'aria-labelledby': 'version-heading'},
    h('h2', {id: 'version-heading'}, `${model.name} version ${version.version}`),
    h('p', {class: 'muted'}, [m.algorithm, m.task, target && `target ${target}`, m.rows && `${m.rows.train} training rows, ${m.rows.validation} validation`,
      version.created_at && when(version.created_at)].filter(Boolean).join(' · ')),
    version.status_message ? h('p', {class: 'job-error'}, version.status_message) : null,
    h('h3', {}, 'Validation metrics'), metricList(m.metrics),
    importanceChart(m.feature_importance),
    h('h3', {}, 'Predict one instance'),
    version.status === 'READY' ? predictForm(model, version) : h('p', {class: 'muted'}, `This version is ${version.status}; only READY versions predict.`));
}

async function showModel(name, into) {
  into.replaceChildren(h('p', {class: 'muted'}, 'Loading…'));
  try {
    const [model, page] = await Promise.all([get(path(name)), get(`${path(name)}/versions?max_results=100`)]);
    const versions = page.model_versions.sort((a, b) => b.version - a.version);
    const detail = h('div');
    const pick = (v) => {
      for (const row of table.querySelectorAll('tbody tr')) row.classList.toggle('selected', Number(row.dataset.version) === v.version);
      detail.replaceChildren(versionDetail(model, v));
    };
    const table = h('table', {class: 'data'},
      h('thead', {}, h('tr', {}, ['Version', 'Status', 'Aliases', 'Metrics', 'Created', ''].map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, versions.map((v) => h('tr', {dataset: {version: v.version}},
        h('td', {}, `v${v.version}`), h('td', {}, h('span', {class: `status ${v.status === 'READY' ? 'succeeded' : v.status === 'FAILED' ? 'failed' : ''}`}, v.status)),
        h('td', {}, (v.aliases || []).join(', ')),
        h('td', {}, Object.entries((v.metadata && v.metadata.metrics) || {}).filter(([, x]) => typeof x === 'number').slice(0, 3)
          .map(([k, x]) => `${k} ${formatNumber(x)}`).join(' · ')),
        h('td', {}, when(v.created_at)),
        h('td', {}, h('button', {type: 'button', class: 'small', onclick: () => pick(v)}, `Show v${v.version}`))))));
    into.replaceChildren(
      h('section', {class: 'panel', 'aria-labelledby': 'model-heading'}, h('h2', {id: 'model-heading'}, model.name),
        model.description ? h('p', {}, model.description) : null,
        h('div', {class: 'scroll', tabindex: 0, role: 'region', 'aria-label': `Versions of ${model.name}`}, table),
        h('h3', {}, 'Aliases'), aliasForm(model, versions, () => showModel(name, into))),
      detail);
    const ready = versions.find((v) => v.status === 'READY') || versions[0];
    if (ready) pick(ready);
  } catch (e) {
    into.replaceChildren(errorBox(e));
  }
}

export function modelsView(root, [selected] = []) {
  const list = h('ul', {class: 'list', 'aria-label': 'Registered models'});
  const detail = h('div', {class: 'model-detail'});
  root.append(h('h1', {}, 'Models'), h('div', {class: 'split'}, h('nav', {class: 'panel', 'aria-label': 'Models'}, list), detail));
  get('/models?max_results=100').then((r) => {
    const models = r.registered_models;
    if (!models.length) {
      list.append(h('li', {class: 'muted'}, 'No models yet.'));
      detail.replaceChildren(h('p', {class: 'panel'}, 'Train one in ', h('a', {href: '#/jobs'}, 'Jobs'), '.'));
      return;
    }
    const buttons = models.map((m) => h('button', {type: 'button', 'aria-pressed': 'false', onclick: () => {
      history.replaceState(null, '', `#/models/${encodeURIComponent(m.name)}`);
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === buttons[models.indexOf(m)]));
      showModel(m.name, detail);
    }}, m.name, h('br'), h('span', {class: 'muted'}, `${m.latest_versions.length ? `v${Math.max(...m.latest_versions.map((v) => v.version))}` : 'no versions'}`)));
    list.append(...buttons.map((b) => h('li', {}, b)));
    const index = Math.max(0, models.findIndex((m) => m.name === selected));
    buttons[index].click();
  }).catch((e) => detail.replaceChildren(errorBox(e)));
  return {};
}
