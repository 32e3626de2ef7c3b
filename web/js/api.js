// Every call of the console goes to /api/v1 on the page's own origin: `chatdb up` serves the
// same routes as the Kubernetes ingress. The API key, when one is set, lives in this browser
// tab's sessionStorage and is sent as Authorization: Bearer.
const KEY = 'chatdb.apiKey';

export function apiKey() { return sessionStorage.getItem(KEY) || ''; }
export function setApiKey(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, 'ChatDB is not reachable', `The request did not reach ChatDB (${e.message}). Is it running?`);
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    let detail = data && data.detail ? data.detail : text || response.statusText;
    if (response.status === 401) detail += ' — enter an API key at the bottom of the page.';
    throw new ApiError(response.status, data && data.title ? data.title : response.statusText || 'Error', detail);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
