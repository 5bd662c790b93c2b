// The ops console: plain ES module, no dependencies. The API key lives in sessionStorage (this tab only) and travels
// only in the Authorization header; data is rendered with textContent, never as HTML.
const KEY = 'followup.apiKey';
const VIEWS = ['queue', 'journey', 'receipts'];
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const $ = (id) => document.getElementById(id);
let queueTimer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === 'class') node.className = v; else if (k === 'text') node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function say(message, error = false) {
  $('status').textContent = message;
  $('status').classList.toggle('error', error);
}

async function api(path, options = {}) {
  const key = sessionStorage.getItem(KEY);
  const response = await fetch(path, {
    ...options,
    headers: { Accept: 'application/json', Authorization: `Bearer ${key}`, ...(options.headers || {}) },
  });
  if (response.status === 401) {
    signOut();
    throw new Error('The API key was not accepted.');
  }
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  if (!response.ok) throw new Error(body?.detail || `HTTP ${response.status}`);
  return body;
}

function format(iso, zone) {
  if (!iso) return '—';
  try {
    return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit',
      minute: '2-digit', second: '2-digit', timeZone: zone, timeZoneName: 'short' }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function ms(value) {
  if (value === null || value === undefined) return '—';
  return value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---- views ----

function show(view) {
  if (!sessionStorage.getItem(KEY)) view = 'login';
  else if (!VIEWS.includes(view)) view = 'queue';
  for (const v of ['login', ...VIEWS]) $(`view-${v}`).hidden = v !== view;
  for (const v of VIEWS) {
    if (v === view) $(`nav-${v}`).setAttribute('aria-current', 'page'); else $(`nav-${v}`).removeAttribute('aria-current');
  }
  $('nav').hidden = view === 'login';
  clearInterval(queueTimer);
  if (view === 'queue') {
    refreshQueue();
    queueTimer = setInterval(refreshQueue, 5000);
  } else if (view === 'receipts') {
    refreshReceipts();
  } else if (view === 'journey' && $('lead-id').value) {
    loadJourney($('lead-id').value);
  }
}

function route() {
  const [view, query] = location.hash.replace(/^#/, '').split('?');
  if (view === 'journey' && query) {
    const lead = new URLSearchParams(query).get('lead');
    if (lead) $('lead-id').value = lead;
  }
  show(view);
}

async function refreshQueue() {
  try {
    const [queue, recent] = await Promise.all([api('/v1/queue'),
      api('/v1/receipts?limit=500&failuresFirst=false')]);
    const since = Date.now() - 15 * 60 * 1000;
    const lags = recent.filter((r) => Date.parse(r.completedAt) >= since && r.firingLagMs !== null)
      .map((r) => r.firingLagMs).sort((a, b) => a - b);
    const cards = [
      ['Pending email', queue.pending.EMAIL], ['Pending SMS', queue.pending.SMS], ['Pending calls', queue.pending.CALL],
      ['Next due', format(queue.nextDueAt, viewerZone)], ['Overdue', queue.overdueCapped ? '≥ ' + queue.overdue : queue.overdue],
      ['Deferred by quota', queue.deferred ?? 0],
      ['Firing lag p50 (15 min)', ms(percentile(lags, 50))], ['Firing lag p99 (15 min)', ms(percentile(lags, 99))],
      ['Dead-lettered (DEAD)', recent.filter((r) => r.status === 'DEAD').length],
      ['Failed', recent.filter((r) => r.status === 'FAILED').length],
    ];
    $('queue-cards').replaceChildren(...cards.map(([label, value]) =>
      el('div', {}, el('dt', { text: label }), el('dd', { text: String(value) }))));
    $('queue-updated').textContent = `Updated ${format(queue.asOf, viewerZone)}.`;
    say('');
  } catch (e) {
    say(`Queue: ${e.message}`, true);
  }
}

function describe(entry, zone) {
  const parts = [];
  if (entry.taskId) parts.push(`task ${entry.taskId}`);
  if (entry.channel) parts.push(entry.channel);
  if (entry.attempt) parts.push(`attempt ${entry.attempt}`);
  if (entry.type === 'task' && entry.dueAt) parts.push(`due ${format(entry.dueAt, zone)}`);
  if (entry.type === 'receipt') parts.push(`latency ${ms(entry.latencyMs)}`, `firing lag ${ms(entry.lagMs)}`);
  if (entry.type === 'task' && entry.lagMs !== undefined) parts.push(`firing lag ${ms(entry.lagMs)}`);
  return parts.join(' · ');
}

async function loadJourney(leadId) {
  say(`Loading the journey of ${leadId}…`);
  try {
    const journey = await api(`/v1/leads/${encodeURIComponent(leadId)}/journey`);
    const leadZone = journey.timezone || 'UTC';
    $('journey-zones').textContent = `Times in the lead's zone (${leadZone}) and yours (${viewerZone}).`;
    const items = journey.entries.map((e) => {
      const failed = e.status === 'FAILED' || e.status === 'DEAD';
      const li = el('li', { class: `${e.type}${failed ? ' failed' : ''}`, 'data-type': e.type,
        'data-status': e.status || '', 'data-task-id': e.taskId || '' });
      li.append(el('span', { class: 'when', text: `${format(e.at, leadZone)} · you: ${format(e.at, viewerZone)}` }),
        el('span', { class: 'badge', text: e.type }), el('span', { class: `what status-${e.status || ''}`, text: e.what }));
      const info = describe(e, leadZone);
      if (info) li.append(el('div', { text: info }));
      if (e.provider || e.link) li.append(el('div', { class: 'wrap', text: `${e.provider || ''} ${e.link || e.providerRef || ''}` }));
      if (e.detail) li.append(el('div', { class: 'hint', text: e.detail }));
      if (e.type === 'receipt' && failed) li.append(retryButton(e.taskId, () => loadJourney(leadId)));
      return li;
    });
    $('timeline').replaceChildren(...items);
    say(items.length ? `${items.length} entries for ${leadId}.` : `Nothing recorded for ${leadId}.`);
  } catch (e) {
    say(`Journey: ${e.message}`, true);
  }
}

function retryButton(taskId, after) {
  const button = el('button', { type: 'button', class: 'retry', 'data-task-id': taskId, text: 'Retry',
    'aria-label': `Retry task ${taskId}` });
  button.addEventListener('click', async () => {
    if (!window.confirm(`Retry task ${taskId}? It is scheduled again at once, as a new attempt.`)) return;
    button.disabled = true;
    try {
      const accepted = await api(`/v1/tasks/${encodeURIComponent(taskId)}/retry`, { method: 'POST' });
      say(`Retry of ${taskId} accepted (command ${accepted.commandId}).`);
      setTimeout(after, 1500);
    } catch (e) {
      button.disabled = false;
      say(`Retry: ${e.message}`, true);
    }
  });
  return button;
}

async function refreshReceipts() {
  const params = new URLSearchParams({ limit: '200', failuresFirst: 'true' });
  if ($('filter-channel').value) params.set('channel', $('filter-channel').value);
  if ($('filter-status').value) params.set('status', $('filter-status').value);
  try {
    const receipts = await api(`/v1/receipts?${params}`);
    const rows = receipts.map((r) => el('tr', { 'data-task-id': r.taskId, 'data-status': r.status },
      el('td', { text: format(r.completedAt, viewerZone) }),
      el('td', {}, journeyLink(r.leadId)),
      el('td', { class: 'wrap', text: r.taskId }),
      el('td', { text: r.channel }),
      el('td', { class: `status-${r.status}`, text: r.status }),
      el('td', { text: String(r.attempt) }),
      el('td', { text: ms(r.latencyMs) }),
      el('td', { class: 'wrap', text: `${r.provider || ''} ${r.link || r.providerRef || ''}` }),
      el('td', { class: 'wrap', text: r.error || '' }),
      el('td', {}, r.retryable ? retryButton(r.taskId, refreshReceipts) : null)));
    $('receipts-table').tBodies[0].replaceChildren(...rows);
    say(`${rows.length} receipts.`);
  } catch (e) {
    say(`Receipts: ${e.message}`, true);
  }
}

function journeyLink(leadId) {
  return el('a', { href: `#journey?lead=${encodeURIComponent(leadId)}`, text: leadId });
}

async function signIn(key) {
  sessionStorage.setItem(KEY, key);
  try {
    const queue = await api('/v1/queue');
    $('tenant').textContent = `Tenant ${queue.tenantId}`;
    $('api-key').value = '';
    say('');
    route();
  } catch (e) {
    say(e.message, true);
  }
}

function signOut() {
  sessionStorage.removeItem(KEY);
  $('tenant').textContent = '';
  show('login');
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('api-key').value.trim()); });
  $('sign-out').addEventListener('click', signOut);
  $('journey-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const hash = `#journey?lead=${encodeURIComponent($('lead-id').value.trim())}`;
    if (location.hash === hash) route(); else location.hash = hash;
  });
  $('receipts-form').addEventListener('submit', (e) => { e.preventDefault(); refreshReceipts(); });
  window.addEventListener('hashchange', route);
  if (sessionStorage.getItem(KEY)) signIn(sessionStorage.getItem(KEY)); else show('login');
});
