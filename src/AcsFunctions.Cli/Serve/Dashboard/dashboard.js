// The acs-diag serve dashboard: a client of GET /api/query/{kind} that shows what the Azure workbook
// (infra/workbook/acs-diagnostics.workbook.json) shows. Chart ids are the workbook items' names; each chart reads the
// same kind, view and fields as its workbook chart. Charts are Chart.js (bundled into the CLI from npm).
'use strict';

const REFRESH_MS = (Number(new URLSearchParams(location.search).get('refresh')) || 30) * 1000;
const MAX_TABLE_ROWS = 500;
const MAX_SERIES = 10;
const RANGES = { '1h': 1, '4h': 4, '12h': 12, '24h': 24, '48h': 48, '7d': 168, '30d': 720 };
const POOR_REASONS = ['round-trip time', 'jitter', 'packet loss', 'jitter buffer', 'healed data ratio', 'frame rate', 'resolution', 'freeze duration'];
const PALETTE = ['#0b63ce', '#e8590c', '#2f9e44', '#c2255c', '#7048e8', '#1098ad', '#f08c00', '#5c940d', '#862e9c', '#495057', '#d6336c', '#364fc7'];

const col = (key, label, format) => ({ key, label, format });
const TABS = [
  {
    id: 'api', title: 'API requests', items: [
      { id: 'api-by-operation', title: 'Requests by operation', kind: 'api-requests', view: 'operations', group: 'label', y: [{ id: 'count', label: 'Requests' }], unit: 'requests' },
      { id: 'api-by-status', title: 'Requests by status code', kind: 'api-requests', view: 'status-codes', group: 'statusCode', y: [{ id: 'count', label: 'Requests' }], unit: 'requests' },
      { id: 'api-errors', title: 'Error rate by operation (% of requests failed)', kind: 'api-requests', view: 'operations', group: 'label', y: [{ id: 'failedPercent', label: 'Failed %' }], unit: '%', max: 100 },
      { id: 'api-errors-by-class', title: 'Requests by status class', kind: 'api-requests', view: 'status-classes', group: 'statusClass', y: [{ id: 'count', label: 'Requests' }], unit: 'requests', type: 'bar' },
      { id: 'api-p95', title: '95th percentile duration by operation (ms)', kind: 'api-requests', view: 'operations', group: 'label', y: [{ id: 'durationMsP95', label: 'p95 ms' }], unit: 'ms' },
      {
        id: 'api-duration', title: 'Duration percentiles by operation and status (ms)', kind: 'api-requests', table: [
          col('windowStart', 'Window (UTC)', 'time'), col('resourceName', 'Resource'), col('operation', 'Operation'), col('statusCode', 'Status'),
          col('count', 'Requests', 'n'), col('failed', 'Failed', 'n'), col('durationMsMin', 'Min ms', 'ms'), col('durationMsP50', 'p50 ms', 'ms'),
          col('durationMsP95', 'p95 ms', 'ms'), col('durationMsP99', 'p99 ms', 'ms'), col('durationMsMax', 'Max ms', 'ms')],
      },
    ],
  },
  {
    id: 'calls', title: 'Calls & quality', items: [
      { id: 'call-volume', title: 'Calls, poor calls, dropped participants and calls of unknown quality', kind: 'call-volume', view: 'totals', y: [{ id: 'calls', label: 'Calls' }, { id: 'poorCalls', label: 'Poor calls' }, { id: 'droppedParticipants', label: 'Dropped participants' }, { id: 'unknownCalls', label: 'Calls of unknown quality' }], unit: 'calls' },
      { id: 'poor-streams', title: 'Poor streams against all streams', kind: 'call-quality', view: 'totals', y: [{ id: 'streams', label: 'Streams' }, { id: 'poorStreams', label: 'Poor streams' }], unit: 'streams' },
      { id: 'poor-reasons', title: 'Poor streams by reason', kind: 'call-quality', view: 'totals', type: 'bar', unit: 'streams', y: POOR_REASONS.map(r => ({ id: r.replace(/ /g, '_').replace('-', '_'), label: r, path: ['poorReasons', r] })) },
      {
        id: 'quality-grid', title: 'Stream quality by media type, direction and transport', kind: 'call-quality', table: [
          col('windowStart', 'Window (UTC)', 'time'), col('resourceName', 'Resource'), col('mediaType', 'Media'), col('direction', 'Direction'), col('transport', 'Transport'),
          col('streams', 'Streams', 'n'), col('poorStreams', 'Poor', 'n'), col('rttMsP95', 'RTT p95 ms', 'ms'), col('jitterMsP95', 'Jitter p95 ms', 'ms'), col('packetLossP95', 'Loss p95', 'pct')],
      },
    ],
  },
  {
    id: 'email', title: 'Email', items: [
      { id: 'email-delivery', title: 'Email delivery by status', kind: 'email', view: 'delivery-status', group: 'deliveryStatus', y: [{ id: 'count', label: 'Emails' }], unit: 'emails' },
      {
        id: 'email-grid', title: 'Email delivery and engagement', kind: 'email', table: [
          col('windowStart', 'Window (UTC)', 'time'), col('resourceName', 'Resource'), col('type', 'Type'), col('senderDomain', 'Sender domain'), col('deliveryStatus', 'Status'),
          col('isHardBounce', 'Hard bounce'), col('smtpStatusCode', 'SMTP'), col('engagementType', 'Engagement'), col('count', 'Count', 'n')],
      },
    ],
  },
  {
    id: 'records', title: 'Dead letters & reconciliation', items: [
      {
        id: 'dead-letters', title: 'Dead-lettered records', kind: 'dead-letters', params: [], table: [
          col('time', 'Time (UTC)', 'time'), col('reason', 'Reason'), col('category', 'Category'), col('source', 'Source'), col('detail', 'Detail')],
      },
      {
        id: 'reconciliation', title: 'Platform metrics against our counts', kind: 'reconciliation', params: ['resource'], table: [
          col('windowStart', 'Window (UTC)', 'time'), col('resourceName', 'Resource'), col('metric', 'Metric'), col('operation', 'Operation'), col('statusCode', 'Status'),
          col('platform', 'Platform', 'n'), col('ours', 'Ours', 'n'), col('difference', 'Difference', 'n'), col('verdict', 'Verdict'), col('reconciledAt', 'Reconciled (UTC)', 'time')],
      },
    ],
  },
  {
    id: 'health', title: 'Health & drift', items: [
      {
        id: 'pipeline-health', title: 'Pipeline health by category and source partition', kind: 'health', params: [], table: [
          col('category', 'Category'), col('sourceType', 'Source type'), col('source', 'Source'), col('records', 'Records', 'n'), col('stored', 'Stored', 'n'),
          col('unclassified', 'Unclassified', 'n'), col('deadLettered', 'Dead-lettered', 'n'), col('deadLetteredByReason', 'Dead by reason', 'map'),
          col('lastEventTime', 'Last event (UTC)', 'time'), col('lastIngestTime', 'Last ingest (UTC)', 'time'), col('ingestLagSecondsP95', 'Ingest lag p95 s', 's'),
          col('deliveryLagSecondsP95', 'Delivery lag p95 s', 's'), col('rollupPendingWindows', 'Roll-up backlog', 'n'), col('rollupOldestPendingSeconds', 'Oldest pending s', 's')],
      },
      {
        id: 'schema-drift', title: 'Schema changes', kind: 'schema', view: 'drift', params: [], table: [
          col('firstSeen', 'First seen (UTC)', 'time'), col('category', 'Category'), col('change', 'Change'), col('field', 'Field'), col('oldKinds', 'Old kinds'),
          col('newKinds', 'New kinds'), col('recordsAffected', 'Records affected', 'n'), col('detail', 'Detail')],
      },
      {
        id: 'schema-fields', title: 'Fields per category (seen in the range; counts since the first record)', kind: 'schema', view: 'fields', params: [], table: [
          col('category', 'Category'), col('field', 'Field'), col('kinds', 'Kinds'), col('count', 'Records with it', 'n'), col('categoryRecords', 'Category records', 'n'),
          col('firstSeen', 'First seen (UTC)', 'time'), col('lastSeen', 'Last seen (UTC)', 'time')],
      },
    ],
  },
];

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const state = { tab: 'api', range: '24h', from: null, to: null, resource: '', auto: false, kinds: null, timer: null, generation: 0 };
// For tests and tools: per chart id, { url, labels, datasets: [{ series, label, data }] } as drawn; per table id, { url, rows }.
window.__charts = {};
window.__tables = {};
window.__dashboard = { loads: 0, ready: false };

const $ = id => document.getElementById(id);
const el = (tag, attrs, ...children) => {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== undefined && v !== null) node.setAttribute(k, v); });
  children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
};

function utc(iso, withDate = true) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const s = d.toISOString();
  return withDate ? `${s.slice(0, 10)} ${s.slice(11, 16)}` : s.slice(11, 16);
}

function format(value, kind) {
  if (value === null || value === undefined || value === '') return '–';
  switch (kind) {
    case 'time': return utc(value);
    case 'n': case 'ms': case 's': return typeof value === 'number' ? numberFormat.format(value) : String(value);
    case 'pct': return typeof value === 'number' ? `${numberFormat.format(value * 100)} %` : String(value);
    case 'map': return Object.entries(value).map(([k, v]) => `${k} ${numberFormat.format(v)}`).join(', ') || '–';
    default: return Array.isArray(value) ? value.join(', ') : String(value);
  }
}

function intervalFor(hours) {
  if (hours <= 2) return 'PT1M';
  if (hours <= 12) return 'PT5M';
  if (hours <= 24 * 14) return 'PT1H';
  return 'P1D';
}

function currentRange() {
  if (state.range === 'custom' && state.from && state.to) return { from: state.from, to: state.to };
  const to = new Date(Math.ceil(Date.now() / 60000) * 60000);
  const hours = RANGES[state.range] || 24;
  // Presets of a day or more start on a whole hour (over 14 days, read per day: a whole day), so that they read the
  // hourly and daily rows, kept longer than the minute rows, and no retention note shows in the normal view.
  const align = hours > 24 * 14 ? 86400000 : hours >= 24 ? 3600000 : 60000;
  const from = new Date(Math.floor((to.getTime() - hours * 3600000) / align) * align);
  return { from: from.toISOString().replace('.000', ''), to: to.toISOString().replace('.000', '') };
}

function urlFor(item, range, interval) {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  const accepts = item.params || ['interval', 'resource'];
  if (accepts.includes('interval')) params.set('interval', interval);
  if (accepts.includes('resource') && state.resource) params.set('resource', state.resource);
  if (item.view) params.set('view', item.view);
  return `api/query/${item.kind}?${params}`;
}

/** The answer's JSON, and the parts of the range whose rows retention may have deleted (the AcsFunctions-Expired header, docs/query-api.md). */
async function getAnswer(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await response.text();
  if (!response.ok) {
    let detail = body;
    try { const p = JSON.parse(body); detail = p.detail || p.title || body; } catch { /* not problem details */ }
    throw new Error(`${response.status}: ${detail}`);
  }
  // "<tier> <from>/<to> <setting>, …": e.g. "minute 2026-11-20T10:30:00Z/2026-11-20T11:00:00Z MinuteAggregates".
  const expired = (response.headers.get('AcsFunctions-Expired') || '').split(',').map(e => e.trim().split(' ')).filter(e => e.length === 3)
    .map(([tier, range, setting]) => ({ tier, from: range.split('/')[0], to: range.split('/')[1], setting }));
  return { body: JSON.parse(body), expired };
}

const getJson = async url => (await getAnswer(url)).body;

/** What reads a longer-kept tier instead of each tier's deleted rows (the ranges intervalFor reads per hour and per day). */
const EXPIRED_ADVICE = {
  minute: 'Ranges over 12 h from and to whole hours read the hourly rows, kept longer.',
  hour: 'Ranges over 14 days from and to whole days read the daily rows, kept longer.',
  day: 'Daily rows are the coarsest: nothing coarser is kept.',
};

/**
 * The note above a chart or table whose range was read, in part, from rows older than retention's cutoff: retention
 * records the cutoff before it deletes (and keeps some rows below it for a while), so they may be gone, and an empty
 * stretch there is not zero traffic.
 */
function showExpired(card, expired) {
  const note = card.querySelector('.expired');
  note.hidden = expired.length === 0;
  const advice = [...new Set(expired.map(e => EXPIRED_ADVICE[e.tier]).filter(Boolean))];
  note.textContent = expired.length === 0 ? '' :
    `Retention has been deleting the ${expired.map(e => `${e.tier} rows of ${utc(e.from)} – ${utc(e.to)} UTC (older than ${e.setting})`).join('; ')}: ` +
    `some or all may be gone, and what is missing there is not zero traffic. ${advice.join(' ')}`;
}

function valueOf(row, y) {
  const path = y.path || [y.id];
  let v = row;
  for (const p of path) v = v === null || v === undefined ? undefined : v[p];
  return v === undefined ? null : v;
}

/** The chart's series, one point per x: for a grouped chart a dataset per group value, otherwise one per y field. */
function chartData(item, rows) {
  const labels = [...new Set(rows.map(r => r.windowStart))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const datasets = [];
  if (item.group) {
    const byGroup = new Map();
    for (const r of rows) {
      const series = r[item.group] === null || r[item.group] === undefined ? 'null' : String(r[item.group]);
      if (!byGroup.has(series)) byGroup.set(series, new Array(labels.length).fill(null));
      byGroup.get(series)[index.get(r.windowStart)] = valueOf(r, item.y[0]);
    }
    const total = data => data.reduce((s, v) => s + (v || 0), 0);
    // Like the workbook (createOtherGroup 10): the 10 largest series are drawn, the rest are listed in the note.
    [...byGroup].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]))
      .forEach(([series, data], i) => datasets.push({ series, label: series === 'null' ? '(none)' : series, data, hidden: i >= MAX_SERIES }));
  } else {
    for (const y of item.y) {
      const data = new Array(labels.length).fill(null);
      rows.forEach(r => { data[index.get(r.windowStart)] = valueOf(r, y); });
      datasets.push({ series: y.id, label: y.label, data });
    }
  }
  return { labels, datasets };
}

function drawChart(card, item, rows, url) {
  const data = chartData(item, rows);
  window.__charts[item.id] = { url, labels: data.labels, datasets: data.datasets.map(d => ({ series: d.series, label: d.label, data: d.data, hidden: !!d.hidden })) };
  const box = card.querySelector('.chart');
  box.replaceChildren();
  const rest = data.datasets.filter(d => d.hidden);
  const note = card.querySelector('.note');
  note.textContent = rest.length
    ? `The ${MAX_SERIES} largest of ${numberFormat.format(data.datasets.length)} series are drawn; ${numberFormat.format(rest.length)} more (hover to list them; acs-diag query ${item.kind} has all).`
    : '';
  note.title = rest.map(d => d.label).join('\n');
  if (rows.length === 0) {
    box.append(noData());
    return;
  }
  const canvas = el('canvas', { 'aria-label': item.title, role: 'img' });
  box.append(canvas);
  const bar = item.type === 'bar';
  const sameDay = data.labels.length > 0 && data.labels[0].slice(0, 10) === data.labels[data.labels.length - 1].slice(0, 10);
  // eslint-disable-next-line no-undef
  new Chart(canvas, {
    type: bar ? 'bar' : 'line',
    data: {
      labels: data.labels,
      datasets: data.datasets.map((d, i) => ({
        label: d.label, data: d.data, hidden: !!d.hidden, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length] + (bar ? 'cc' : '33'),
        borderWidth: bar ? 0 : 2, pointRadius: data.labels.length > 60 ? 0 : 3, spanGaps: false, tension: 0.15,
      })),
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: bar, offset: true, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8, callback(value) { return utc(this.getLabelForValue(value), !sameDay); } }, title: { display: true, text: 'UTC' } },
        y: { stacked: bar, beginAtZero: true, max: item.max, ticks: { precision: ['ms', '%'].includes(item.unit) ? undefined : 0, callback: v => numberFormat.format(v) + (item.unit === '%' ? ' %' : '') }, title: { display: true, text: item.unit } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12, filter: (legendItem, chartData) => !chartData.datasets[legendItem.datasetIndex].hidden } },
        tooltip: { callbacks: { title: items => `${utc(items[0].label)} UTC`, label: c => `${c.dataset.label}: ${c.parsed.y === null ? '–' : numberFormat.format(c.parsed.y)}${item.unit === '%' ? ' %' : ' ' + item.unit}` } },
      },
    },
  });
}

function drawTable(card, item, rows, url) {
  window.__tables[item.id] = { url, rows: rows.length };
  const wrap = card.querySelector('.table-wrap');
  wrap.replaceChildren();
  card.querySelector('.note').textContent = rows.length > MAX_TABLE_ROWS
    ? `First ${numberFormat.format(MAX_TABLE_ROWS)} of ${numberFormat.format(rows.length)} rows; the rest: acs-diag query ${item.kind} --format csv.`
    : rows.length ? `${numberFormat.format(rows.length)} row(s).` : '';
  if (rows.length === 0) {
    wrap.append(noData());
    return;
  }
  const numeric = c => ['n', 'ms', 's', 'pct'].includes(c.format);
  const head = el('tr', null, item.table.map(c => el('th', { class: numeric(c) ? 'num' : null }, c.label)));
  const body = rows.slice(0, MAX_TABLE_ROWS).map(r => el('tr', null, item.table.map(c => el('td', { class: numeric(c) ? 'num' : null }, format(r[c.key], c.format)))));
  wrap.append(el('table', { 'data-rows': rows.length }, el('thead', null, head), el('tbody', null, body)));
}

function noData() {
  return el('div', { class: 'nodata' }, 'No data in this range.');
}

function buildPanels() {
  const nav = $('tabs');
  const main = $('panels');
  for (const tab of TABS) {
    nav.append(el('button', { type: 'button', role: 'tab', id: `tab-${tab.id}`, 'data-tab': tab.id }, tab.title));
    const panel = el('section', { class: 'panel', id: `panel-${tab.id}`, role: 'tabpanel' });
    for (const item of tab.items) {
      const card = el('div', { class: `card${item.table ? ' wide' : ''}`, id: `card-${item.id}`, 'data-kind': item.kind },
        el('h2', null, item.title),
        el('p', { class: 'expired', role: 'note', hidden: '' }),
        item.table ? el('div', { class: 'table-wrap' }) : el('div', { class: 'chart' }),
        el('p', { class: 'note' }));
      panel.append(card);
    }
    main.append(panel);
  }
  nav.addEventListener('click', e => { const t = e.target.closest('button[data-tab]'); if (t) selectTab(t.dataset.tab, true); });
}

function selectTab(id, push) {
  state.tab = TABS.some(t => t.id === id) ? id : TABS[0].id;
  for (const tab of TABS) {
    $(`tab-${tab.id}`).setAttribute('aria-selected', String(tab.id === state.tab));
    $(`panel-${tab.id}`).hidden = tab.id !== state.tab;
  }
  if (push) saveState();
}

function saveState() {
  const q = new URLSearchParams();
  if (state.range === 'custom') { q.set('from', state.from); q.set('to', state.to); } else q.set('range', state.range);
  if (state.resource) q.set('resource', state.resource);
  q.set('tab', state.tab);
  history.replaceState(null, '', `?${q}`);
}

function loadState() {
  const q = new URLSearchParams(location.search);
  if (q.get('from') && q.get('to')) { state.range = 'custom'; state.from = q.get('from'); state.to = q.get('to'); } else if (RANGES[q.get('range')]) state.range = q.get('range');
  state.resource = q.get('resource') || '';
  state.tab = q.get('tab') || 'api';
  state.auto = q.has('auto') ? q.get('auto') === '1' : state.range !== 'custom';
  $('range').value = state.range;
  $('auto').checked = state.auto;
  showCustom();
}

// Custom range fields are UTC text, "YYYY-MM-DD HH:mm" (a datetime-local field would show the browser's local format).
const toInput = iso => (iso ? new Date(iso).toISOString().slice(0, 16).replace('T', ' ') : '');
const fromInput = value => {
  const m = /^\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})\s*$/.exec(value || '');
  return m ? `${m[1]}T${m[2]}:00Z` : null;
};

function showCustom() {
  const custom = state.range === 'custom';
  $('custom-range').hidden = !custom;
  if (custom) {
    const r = currentRange();
    $('from').value = toInput(r.from);
    $('to').value = toInput(r.to);
  }
}

async function loadResources(range) {
  // The resources seen in the range (the workbook lists them from Azure Resource Graph; locally the data says).
  const names = new Set();
  for (const kind of ['api-requests', 'call-volume']) {
    if (state.kinds && !state.kinds.includes(kind)) continue;
    try {
      const rows = await getJson(`api/query/${kind}?${new URLSearchParams({ from: range.from, to: range.to, interval: 'P1D' })}`);
      rows.forEach(r => r.resourceName && names.add(r.resourceName));
    } catch { /* the cards show the error */ }
  }
  if (state.resource) names.add(state.resource);
  const select = $('resource');
  select.replaceChildren(el('option', { value: '' }, 'All resources'), ...[...names].sort().map(n => el('option', { value: n }, n)));
  select.value = state.resource;
}

async function refresh() {
  const generation = ++state.generation;
  window.__dashboard.ready = false;
  const range = currentRange();
  const hours = (new Date(range.to) - new Date(range.from)) / 3600000;
  const interval = intervalFor(hours);
  $('status').textContent = `Loading ${utc(range.from)} – ${utc(range.to)} UTC…`;
  if (!state.kinds) {
    try { state.kinds = await getJson('api/query'); } catch (e) { $('status').textContent = `The API does not answer: ${e.message}`; return; }
  }
  await loadResources(range);
  let rowsSeen = 0;
  let failures = 0;
  let expiredSeen = false;
  const jobs = [];
  for (const tab of TABS) {
    for (const item of tab.items) {
      const card = $(`card-${item.id}`);
      if (!state.kinds.includes(item.kind)) {
        card.hidden = true;
        continue;
      }
      const url = urlFor(item, range, interval);
      jobs.push(getAnswer(url).then(({ body: rows, expired }) => {
        if (generation !== state.generation) return;
        rowsSeen += rows.length;
        expiredSeen ||= expired.length > 0;
        showExpired(card, expired);
        card.querySelector('.note').classList.remove('error');
        if (item.table) drawTable(card, item, rows, url); else drawChart(card, item, rows, url);
      }, error => {
        if (generation !== state.generation) return;
        failures++;
        showExpired(card, []);
        const note = card.querySelector('.note');
        note.textContent = `Could not load: ${error.message}`;
        note.classList.add('error');
      }));
    }
  }
  await Promise.all(jobs);
  if (generation !== state.generation) return;
  const empty = $('empty');
  // Rows retention deleted are not "nothing stored": the cards' notes say what is gone.
  empty.hidden = rowsSeen > 0 || failures > 0 || expiredSeen;
  if (!empty.hidden) {
    empty.replaceChildren(
      el('strong', null, `Nothing stored for ${utc(range.from)} – ${utc(range.to)} UTC${state.resource ? ` (resource ${state.resource})` : ''}. `),
      'Ingest and roll up first — ', el('code', null, 'acs-diag demo --serve'), ' for the bundled sample, or ',
      el('code', null, 'acs-diag ingest <file>'), ' then ', el('code', null, 'acs-diag rollup'), ' (', el('code', null, 'rollup --watch'),
      ' keeps it current) — or pick a range that holds data.');
  }
  const intervalText = { PT1M: '1 minute', PT5M: '5 minutes', PT1H: '1 hour', P1D: '1 day' }[interval];
  $('status').textContent = `${utc(range.from)} – ${utc(range.to)} UTC · interval ${intervalText}${state.resource ? ` · ${state.resource}` : ''} · updated ${new Date().toISOString().slice(11, 19)} UTC${state.auto ? ` · auto-refresh every ${REFRESH_MS / 1000} s` : ''}${failures ? ` · ${failures} failed` : ''}`;
  window.__dashboard.loads++;
  window.__dashboard.ready = true;
}

function schedule() {
  clearInterval(state.timer);
  state.timer = state.auto ? setInterval(() => { if (window.__dashboard.ready) refresh(); }, REFRESH_MS) : null;
}

function start() {
  buildPanels();
  loadState();
  selectTab(state.tab, false);
  $('range').addEventListener('change', () => {
    state.range = $('range').value;
    if (state.range === 'custom') {
      const r = currentRange();
      state.from = state.from || r.from;
      state.to = state.to || r.to;
    }
    showCustom();
    saveState();
    refresh();
  });
  $('apply').addEventListener('click', () => {
    const from = fromInput($('from').value);
    const to = fromInput($('to').value);
    if (!from || !to) {
      $('status').textContent = 'Enter the range as UTC "YYYY-MM-DD HH:mm", e.g. 2026-11-20 10:00.';
      return;
    }
    state.from = from;
    state.to = to;
    saveState();
    refresh();
  });
  $('resource').addEventListener('change', () => { state.resource = $('resource').value; saveState(); refresh(); });
  $('auto').addEventListener('change', () => { state.auto = $('auto').checked; schedule(); refresh(); });
  saveState();
  schedule();
  refresh();
}

start();
