import {apiKey, setApiKey} from './api.js';
import {chatView} from './chat.js';
import {errorBox} from './dom.js';
import {jobsView} from './jobs.js';
import {modelsView} from './models.js';
import {schemaView} from './schema.js';

const views = {chat: chatView, schema: schemaView, jobs: jobsView, models: modelsView};
const main = document.getElementById('main');
let current = null;

function route() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const view = views[name] ? name : 'chat';
  if (current && current.leave) current.leave();
  main.replaceChildren();
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${view[0].toUpperCase()}${view.slice(1)} · ChatDB`;
  try {
    current = views[view](main, rest.map(decodeURIComponent)) || {};
  } catch (e) {
    current = {};
    main.append(errorBox(e));
  }
}

// A view switched by the keyboard puts focus on its heading, so a screen reader and the Tab
// order start at the new content; the chat view focuses its question box itself.
window.addEventListener('hashchange', () => {
  route();
  const heading = main.querySelector('h1');
  if (heading && !main.contains(document.activeElement)) {
    heading.tabIndex = -1;
    heading.focus();
  }
});

const keyInput = document.getElementById('api-key');
const keyHint = document.getElementById('key-hint');
const showKeyState = () => { keyHint.textContent = apiKey() ? 'A key is set for this tab.' : 'No key set.'; };
document.getElementById('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setApiKey(keyInput.value.trim());
  keyInput.value = '';
  showKeyState();
  route();
});
document.getElementById('key-clear').addEventListener('click', () => { setApiKey(''); showKeyState(); route(); });
showKeyState();

// A failure in the page's own code becomes a message, never a blank page.
const notice = document.getElementById('notice');
function report(message) {
  notice.hidden = false;
  notice.replaceChildren(errorBox({title: 'Something went wrong in the console', detail: message}));
}
window.addEventListener('error', (e) => report(e.message));
window.addEventListener('unhandledrejection', (e) => report(e.reason && e.reason.message ? e.reason.message : String(e.reason)));

route();
