// The web console in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against `chatdb up` with API keys on: the page explains a 401 until a key is entered; a
// question shows SQL and a table, an alternative runs, a grouped question draws a chart; the
// schema is searchable; a job submitted from the keyboard alone trains and succeeds; the model
// shows its metrics and predicts from its form; a phone-wide page does not overflow; and no
// script error reaches the console. Screenshots of each view go to reports/console/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {chromium} from 'playwright-core';

import {ChatDB, REPORTS} from './chatdb.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const MODEL = 'browser_flowers';

// A small classification dataset: two numeric measures and a colour decide the species.
function writeDataset(root) {
  const rows = ['petal_length,petal_width,colour,species'];
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (let i = 0; i < 150; i += 1) {
    const kind = i % 3;
    const length = (1.5 + kind * 2 + rand()).toFixed(2);
    const width = (0.3 + kind * 0.8 + rand() * 0.5).toFixed(2);
    const colour = ['white', 'blue', 'purple'][(kind + (rand() < 0.2 ? 1 : 0)) % 3];
    rows.push(`${length},${width},${colour},${['setosa', 'versicolor', 'virginica'][kind]}`);
  }
  fs.mkdirSync(path.join(root, 'browser'), {recursive: true});
  fs.writeFileSync(path.join(root, 'browser', 'flowers.csv'), rows.join('\n') + '\n');
}

// Types a question into the question box, presses Enter and returns its answer once it is in.
async function ask(p, question) {
  const before = await p.locator('.turn').count();
  const box = p.locator('input[name="question"]');
  await box.fill(question);
  await box.press('Enter');
  await p.locator('.turn.done').nth(before).waitFor();
  return p.locator('.turn').nth(before);
}

describe('the ChatDB console', () => {
  let chatdb, browser, page;
  const problems = [];    // console errors and uncaught exceptions that nothing expected
  let allowedFailures = 0;  // failed requests a step provokes on purpose (401, 400)

  const watch = (p) => {
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (allowedFailures > 0 && /Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
        allowedFailures -= 1;
        return;
      }
      problems.push(`console error: ${m.text()} at ${m.location().url}`);
    });
  };
  // Every view is photographed, after checking that it shows no leaked placeholder.
  const shot = async (p, name) => {
    assert.doesNotMatch(await p.locator('main').innerText(), /\bnull\b|\bundefined\b|\bNaN\b|\[object Object\]/, name);
    await p.screenshot({path: path.join(REPORTS, `${name}.png`), fullPage: true});
  };

  before(async () => {
    fs.mkdirSync(REPORTS, {recursive: true});
    chatdb = await ChatDB.start({keys: [['console', 'read,write']]});
    writeDataset(chatdb.datasetRoot);
    browser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox']});
    const context = await browser.newContext({viewport: {width: 1280, height: 800}});
    page = await context.newPage();
    watch(page);
  });

  after(async () => {
    if (browser) await browser.close();
    if (chatdb) {
      const code = await chatdb.stop();
      assert.equal(code, 0, 'chatdb up stopped cleanly');
    }
  });

  it('serves the page with its navigation, and says why a call fails without a key', async () => {
    allowedFailures = 1;  // GET /databases without a key: 401
    await page.goto(chatdb.url);
    const nav = await page.locator('nav a').allTextContents();
    assert.deepEqual(nav, ['Chat', 'Schema', 'Jobs', 'Models']);
    const error = page.locator('.error').first();
    await error.waitFor();
    assert.match(await error.textContent(), /401[\s\S]*API key/);
    await shot(page, 'error-without-key');
    // The key is kept for this tab only.
    await page.fill('#api-key', chatdb.tokens.console);
    await page.press('#api-key', 'Enter');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('chatdb.apiKey')), chatdb.tokens.console);
    await page.locator('select option[value="demo"]').waitFor({state: 'attached'});
  });

  it('answers a question with SQL, explanation, confidence and a table', async () => {
    // The first text box of the page is the question; Enter sends it.
    const box = page.locator('input').first();
    assert.equal(await box.getAttribute('name'), 'question');
    const turn = await ask(page, 'top 5 most expensive products');
    assert.match(await turn.locator('pre code.sql').textContent(), /^SELECT .* FROM "?products"?/i);
    assert.ok(await turn.locator('.sql-keyword').count() > 2, 'the SQL is highlighted');
    assert.match(await turn.locator('.confidence').textContent(), /Confidence \d+%/);
    assert.ok((await turn.locator('.explanation').textContent()).length > 10);
    assert.equal(await turn.locator('table.data tbody tr').count(), 5);
    await turn.getByRole('button', {name: 'Copy SQL'}).click();
    await turn.locator('.copy-status', {hasText: /Copied|Copy failed/}).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), turn.getByRole('button', {name: 'Download CSV'}).click()]);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split(/\r\n/);
    assert.equal(csv.length, 6, 'a header and five rows');
    await shot(page, 'chat');
  });

  it('asks which reading is meant when readings tie, and runs the one clicked', async () => {
    const turn = await ask(page, 'what is the average unit price');
    assert.match(await turn.locator('.clarification').textContent(), /which is meant/);
    const readings = turn.locator('button.alternative');
    assert.equal(await readings.count(), 2);
    const reading = await readings.nth(1).textContent();
    const sureness = (await readings.nth(1).evaluate((b) => b.nextSibling.textContent)).trim();
    assert.match(reading, /over products/);
    const before = await page.locator('.turn').count();
    await readings.nth(1).click();
    await page.locator('.turn.done').nth(before).waitFor();
    const chosen = page.locator('.turn').nth(before);
    assert.equal(await chosen.locator('.question').textContent(), 'what is the average unit price');
    const explained = await chosen.locator('.explanation').textContent();
    assert.ok(explained.startsWith(reading), 'the reading says what it computes');
    assert.equal(await chosen.locator('.confidence').textContent(), `Confidence ${sureness}`, "the reading's own confidence");
    assert.match(await chosen.locator('pre code.sql').textContent(), /AVG\(.*unit_price.*\) .*FROM "?products"?/i);
    assert.equal(await chosen.locator('table.data tbody tr').count(), 1);
    assert.match(await chosen.locator('table.data td.num').first().textContent(), /^[\d,]+(\.\d{1,3})?$/, "the average is rounded");
  });

  it('draws a bar chart for a grouped question, and a line for a date series', async () => {
    const turn = await ask(page, 'number of customers per country');
    const bars = turn.locator('svg.bar-chart rect.chart-bar');
    assert.ok(await bars.count() >= 2, 'one bar per country');
    assert.equal(await bars.count(), Math.min(25, await turn.locator('table.data tbody tr').count()));
    await shot(page, 'chat-chart');
    const series = await ask(page, 'number of orders per month');
    assert.ok(await series.locator('svg.line-chart polyline.chart-line').count() === 1, 'a line over the months');
    // The history lists the session's questions; one click asks again.
    const history = await page.locator('.history-list li').allTextContents();
    assert.equal(history[0], 'number of orders per month');
    assert.ok(history.includes('top 5 most expensive products'));
  });

  it('shows a question it cannot answer as a message, not a blank page', async () => {
    allowedFailures = 1;  // POST /query answers 400
    const turn = await ask(page, 'flurble the wibbly zorgs');
    const error = turn.locator('.error');
    assert.match(await error.textContent(), /\(400\)/);
    assert.ok((await error.locator('p').textContent()).length > 20, 'the detail says what was not understood');
    await turn.scrollIntoViewIfNeeded();
    await shot(page, 'chat-error');
  });

  it('lists the schema and filters it by a search', async () => {
    await page.click('nav >> text=Schema');
    await page.locator('.schema-table').first().waitFor();
    const tables = await page.locator('.schema-table').count();
    assert.ok(tables >= 5, 'the demo tables');
    assert.match(await page.locator('p[role="status"]').textContent(), /stored values/);
    await page.fill('input[type="search"]', 'country');
    const visible = page.locator('.schema-table:visible');
    assert.ok(await visible.count() >= 1 && await visible.count() < tables, 'the search narrows the tables');
    assert.ok(await page.locator('tr.selected[data-column="country"]').count() >= 1);
    const customers = page.locator('.schema-table[data-table="customers"]');
    await customers.getByRole('button', {name: /values of customers\.country/}).click();
    await customers.locator('.values').waitFor();
    await shot(page, 'schema');
  });

  it('validates the job form, and submits a job by keyboard alone that trains and succeeds', async () => {
    // A fresh page with nothing focused: Tab through the skip link and the navigation to Jobs.
    await page.goto('about:blank');
    await page.goto(`${chatdb.url}/#/schema`);
    await page.locator('.schema-table').first().waitFor();
    const tabTo = async (test, most) => {
      for (let i = 0; i < most; i += 1) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(test)) return;
      }
      assert.fail(`not reached with ${most} presses of Tab`);
    };
    await tabTo(() => document.activeElement.textContent === 'Jobs', 8);
    await page.keyboard.press('Enter');
    await page.locator('h1', {hasText: 'Jobs'}).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'focus moves to the new view');
    // Tab to the first field of the form and fill it, field by field.
    await tabTo(() => document.activeElement.placeholder === 'churn', 3);
    await page.keyboard.type(MODEL);
    await page.keyboard.press('Tab');
    await page.keyboard.type('ftp://elsewhere/flowers.csv');
    await page.keyboard.press('Enter');
    const datasetError = page.locator('.field-error', {hasText: 'Use file://PATH'});
    await datasetError.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-invalid')), 'true', 'focus goes to the bad field');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('file://browser/flowers.csv');
    await page.keyboard.press('Tab');
    await page.keyboard.type('species');
    // On through task, algorithm, CPUs and priority (their defaults) to the parameters.
    await tabTo(() => document.activeElement.tagName === 'TEXTAREA', 6);
    // A parameter the algorithm does not have is caught before anything is sent.
    await page.keyboard.type('num_trees=20');
    await tabTo(() => document.activeElement.textContent === 'Submit job', 2);
    await page.keyboard.press('Enter');
    await page.locator('.field-error', {hasText: 'num_trees is not a parameter of xgboost'}).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('num_rounds=20\nmax_depth=3');
    await tabTo(() => document.activeElement.textContent === 'Submit job', 2);
    await page.keyboard.press('Enter');
    await page.locator('form [role="status"]', {hasText: /submitted/}).waitFor();
    const row = page.locator(`tr[data-status]`, {hasText: MODEL}).first();
    await row.waitFor();
    await shot(page, 'keyboard-jobs');
    await page.locator(`tr[data-status="succeeded"]`, {hasText: MODEL}).waitFor({timeout: 90000});
    assert.match(await row.textContent(), /100%/);
    assert.equal(await row.locator('td').nth(1).innerText(), 'succeeded');
    assert.match(await row.textContent(), /accuracy/);
    await shot(page, 'jobs');
  });

  it('shows a job refused by the orchestrator with its full reason', async () => {
    allowedFailures = 1;  // POST /jobs answers 400
    await page.fill('input[placeholder="churn"]', 'too_big');
    await page.fill('input[list="dataset-suggestions"]', 'file://browser/flowers.csv');
    await page.fill('input[type="number"][step="0.1"]', '5000');
    await page.fill('textarea', '');
    await page.click('button:has-text("Submit job")');
    const error = page.locator('form .error');
    await error.waitFor();
    assert.match(await error.textContent(), /cpu_request .* exceeds the capacity of 2/);
  });

  it('follows a long job live and cancels it', async () => {
    // The demo churn data (5,000 rows) with many deep trees: seconds of training to watch.
    await page.fill('input[placeholder="churn"]', 'slow_flowers');
    await page.fill('input[list="dataset-suggestions"]', 'file://demo/churn.csv');
    await page.fill('input[placeholder^="default: target"]', '');
    await page.fill('input[type="number"][step="0.1"]', '1');
    await page.fill('textarea', 'num_rounds=5000\nmax_depth=10');
    await page.click('button:has-text("Submit job")');
    const row = page.locator('tr[data-job]', {hasText: 'slow_flowers'});
    await page.locator('tr[data-status="running"]', {hasText: 'slow_flowers'}).waitFor({timeout: 30000});
    await row.getByRole('button', {name: 'Cancel'}).click();
    await page.locator('tr[data-status="cancelled"]', {hasText: 'slow_flowers'}).waitFor({timeout: 30000});
    assert.equal(await row.locator('td').nth(1).innerText(), 'cancelled');
    assert.ok(await row.getByRole('button', {name: 'Cancel'}).isHidden(), 'a finished job has nothing to cancel');
  });

  it('shows the model, its metrics and feature importance, moves an alias, and predicts', async () => {
    await page.click(`tr[data-status="succeeded"]:has-text("${MODEL}") a`);
    await page.locator('#model-heading', {hasText: MODEL}).waitFor();
    const detail = page.locator('.version-detail');
    await detail.waitFor();
    const metrics = await detail.locator('.metrics dt').allTextContents();
    assert.ok(metrics.includes('accuracy'), `metrics: ${metrics}`);
    const accuracy = Number(await detail.locator('.metrics div', {hasText: 'accuracy'}).locator('dd').textContent());
    assert.ok(accuracy > 0.8 && accuracy <= 1, `accuracy ${accuracy}`);
    assert.equal(await detail.locator('svg.bar-chart rect.chart-bar').count(), 3, 'one bar per feature');
    await page.fill('.alias-form input', 'production');
    await page.press('.alias-form input', 'Enter');
    await page.locator('.alias-form', {hasText: 'production → v1'}).waitFor();
    // A second version (trained through the API), and the alias moved to it.
    const auth = {Authorization: `Bearer ${chatdb.tokens.console}`, 'Content-Type': 'application/json'};
    const submitted = await (await fetch(`${chatdb.url}/api/v1/jobs`, {method: 'POST', headers: auth, body: JSON.stringify(
      {model_name: MODEL, dataset_location: 'file://browser/flowers.csv', target: 'species', params: {num_rounds: 5}})})).json();
    for (let i = 0; i < 600; i += 1) {
      const job = await (await fetch(`${chatdb.url}/api/v1/jobs/${submitted.id}`, {headers: auth})).json();
      if (job.status === 'succeeded') break;
      assert.ok(['queued', 'running'].includes(job.status), `second job: ${job.status} ${job.error}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.click(`.list button:has-text("${MODEL}")`);
    await page.locator('tr[data-version="2"]').waitFor();
    await page.selectOption('.alias-form select', '2');
    await page.fill('.alias-form input', 'production');
    await page.click('.alias-form button[type="submit"]');
    await page.locator('.alias-form', {hasText: 'production → v2'}).waitFor();
    assert.equal(await page.locator('tr[data-version="1"] td').nth(2).innerText(), '', 'moved away from v1');
    assert.equal(await page.locator('tr[data-version="2"] td').nth(2).innerText(), 'production');
    await page.click('tr[data-version="1"] button');
    await page.locator('#version-heading', {hasText: 'version 1'}).waitFor();
    await page.fill('.predict input[name="petal_length"]', '5.8');
    await page.fill('.predict input[name="petal_width"]', '2.1');
    await page.selectOption('.predict select[name="colour"]', 'purple');
    await page.click('.predict button[type="submit"]');
    const prediction = page.locator('.prediction');
    await prediction.waitFor();
    assert.match(await prediction.textContent(), /Prediction: virginica/);
    assert.equal(await page.locator('.predict .metrics dt').count(), 3, 'a probability per class');
    await shot(page, 'models');
  });

  it('fits a 390-pixel phone screen', async () => {
    const phone = await browser.newContext({viewport: {width: 390, height: 844}, isMobile: true, hasTouch: true});
    const p = await phone.newPage();
    watch(p);
    await p.addInitScript((token) => sessionStorage.setItem('chatdb.apiKey', token), chatdb.tokens.console);
    await p.goto(chatdb.url);
    await p.locator('select option[value="demo"]').waitFor({state: 'attached'});
    await ask(p, 'total amount of orders per country');
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide`);
    await shot(p, 'phone-chat');
    await p.goto(`${chatdb.url}/#/models/${MODEL}`);
    await p.locator('.version-detail').waitFor();
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth) <= 390);
    await shot(p, 'phone-models');
    await phone.close();
  });

  it('logged no script errors', () => {
    assert.deepEqual(problems, []);
  });
});
