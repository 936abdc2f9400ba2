/*
 * BEMS local dashboard: fills the cards rendered from the view definition with data from the query
 * endpoints (/api/views/:view, /api/invoices/:id/timeline) and draws them with Chart.js (served
 * locally). The numbers shown are exactly the numbers the endpoints return: money arrives as exact
 * decimal strings and is only grouped for display here, never recomputed.
 */
(() => {
  const api = document.body.dataset.api;
  const STAGE_COLOURS = {
    ingestion: '#2563eb',
    reconciliation: '#7c3aed',
    authorization: '#d97706',
    posting: '#059669',
  };
  const PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626', '#475569'];
  const KEY_COLOURS = {
    ...STAGE_COLOURS,
    open: '#f59e0b',
    posted: '#10b981',
    p50: '#0ea5e9',
    p95: '#6366f1',
    p99: '#a21caf',
    total: '#2563eb',
  };
  const BAD = '#dc2626';

  const controls = {
    range: document.getElementById('range'),
    from: document.getElementById('from'),
    to: document.getElementById('to'),
    bucket: document.getElementById('bucket'),
    currency: document.getElementById('currency'),
    refresh: document.getElementById('refresh'),
    refreshNow: document.getElementById('refresh-now'),
  };
  const statusEl = document.getElementById('status');
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const charts = new Map();
  const state = { view: 'executive', data: {}, timer: undefined, inFlight: undefined, loads: 0 };

  // ---- formatting ---------------------------------------------------------------------------------

  /** Groups the integer part of an exact decimal string: "1234567.50" → "1,234,567.50". */
  function groupDigits(text) {
    const negative = text.startsWith('-');
    const [whole, fraction] = (negative ? text.slice(1) : text).split('.');
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
  }

  function formatDuration(ms) {
    const seconds = Math.round(ms / 1000);
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return `${hours} h ${minutes % 60} min`;
    return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  }

  /** Latencies in tables: ms below a second, seconds above (the exact ms is in the cell's data-value). */
  function formatLatency(ms) {
    if (ms < 1000) return `${ms} ms`;
    return `${(ms / 1000).toFixed(ms < 60_000 ? 2 : 1)} s`;
  }

  function formatInstant(iso) {
    return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : '—';
  }

  function formatCell(value, format) {
    if (value === null || value === undefined || value === '') return '—';
    switch (format) {
      case 'count':
      case 'money':
        return groupDigits(String(value));
      case 'ms':
        return formatLatency(Number(value));
      case 'percent':
        return `${value} %`;
      case 'datetime':
        return formatInstant(String(value));
      case 'duration':
        return formatDuration(Number(value));
      default:
        return String(value);
    }
  }

  /** Short axis ticks: 1.2M, 350k, 2.5 s. */
  function compactTick(value, unit) {
    if (unit === 'ms') return value >= 1000 ? `${value / 1000} s` : `${value} ms`;
    const abs = Math.abs(value);
    if (abs >= 1e12) return `${+(value / 1e12).toFixed(1)}T`;
    if (abs >= 1e9) return `${+(value / 1e9).toFixed(1)}B`;
    if (abs >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
    if (abs >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
    return String(+value.toFixed(2));
  }

  // ---- DOM helpers ----------------------------------------------------------------------------------

  function el(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = value;
      else if (name === 'className') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function setStatus(text, isError = false) {
    statusEl.textContent = text;
    statusEl.classList.toggle('error', isError);
  }

  function panelsOf(view) {
    return [...document.querySelectorAll(`#view-${view} [data-panel]`)];
  }

  // ---- URL state ---------------------------------------------------------------------------------------

  function fromUtcInput(value) {
    return value ? Date.parse(`${value}:00Z`) : Number.NaN;
  }

  function toUtcInput(ms) {
    return new Date(ms).toISOString().slice(0, 16);
  }

  function readUrl() {
    const params = new URLSearchParams(location.search);
    const view = params.get('view');
    if (view && tabs.some((t) => t.dataset.view === view)) state.view = view;
    const setIf = (select, value) => {
      if (value !== null && [...select.options].some((o) => o.value === value)) select.value = value;
    };
    setIf(controls.range, params.get('range'));
    setIf(controls.bucket, params.get('bucket'));
    setIf(controls.refresh, params.get('refresh'));
    if (params.get('currency')) state.wantedCurrency = params.get('currency');
    if (controls.range.value === 'custom') {
      const from = Number(params.get('from'));
      const to = Number(params.get('to'));
      if (from && to) setCustomRange(from, to);
    }
  }

  /** The inputs show minutes; the range keeps the exact instants (a shared link reproduces the exact view). */
  function setCustomRange(from, to) {
    state.custom = { from, to };
    controls.from.value = toUtcInput(from);
    controls.to.value = toUtcInput(to);
  }

  function writeUrl() {
    const params = new URLSearchParams({ view: state.view, range: controls.range.value });
    if (controls.range.value === 'custom' && state.custom) {
      params.set('from', String(state.custom.from));
      params.set('to', String(state.custom.to));
    }
    if (controls.bucket.value !== 'auto') params.set('bucket', controls.bucket.value);
    if (controls.currency.value) params.set('currency', controls.currency.value);
    params.set('refresh', controls.refresh.value);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }

  function queryString() {
    const params = new URLSearchParams();
    if (controls.range.value === 'custom' && state.custom) {
      params.set('from', String(state.custom.from));
      params.set('to', String(state.custom.to));
    } else {
      params.set('range', controls.range.value);
    }
    if (controls.bucket.value !== 'auto') params.set('bucket', controls.bucket.value);
    return params.toString();
  }

  // ---- loading ---------------------------------------------------------------------------------------------

  async function load() {
    const view = state.view;
    state.inFlight?.abort();
    const controller = new AbortController();
    state.inFlight = controller;
    controls.refreshNow.setAttribute('aria-busy', 'true');
    document.body.dataset.loading = 'true';
    try {
      const response = await fetch(`${api}/views/${view}?${queryString()}`, {
        signal: controller.signal,
        headers: { accept: 'application/json' },
      });
      const body = await response.json();
      if (!response.ok) {
        const issues = (body.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ');
        throw new Error(issues || body.message || `HTTP ${response.status}`);
      }
      if (controller.signal.aborted || view !== state.view) return;
      state.data[view] = body;
      updateCurrencies(body.currencies);
      render(view, body);
      state.loads += 1;
      // The exact query behind what is on screen, so anyone (or a test) can fetch the same numbers.
      const r = body.range;
      document.body.dataset.lastQuery = `${api}/views/${view}?from=${r.fromMs}&to=${r.toMs}&bucket=${r.bucket}`;
      document.body.dataset.renderedView = view;
      document.body.dataset.loads = String(state.loads);
      setStatus(
        `Updated ${formatInstant(body.generatedAt)} UTC · ${formatInstant(r.from)} → ${formatInstant(r.to)} · interval ${r.bucket}`,
      );
    } catch (error) {
      if (error.name === 'AbortError') return;
      setStatus(`Could not load the ${view} view: ${error.message}`, true);
    } finally {
      if (state.inFlight === controller) {
        state.inFlight = undefined;
        controls.refreshNow.removeAttribute('aria-busy');
        delete document.body.dataset.loading;
      }
    }
  }

  function scheduleRefresh() {
    clearInterval(state.timer);
    const seconds = Number(controls.refresh.value);
    if (seconds > 0) {
      state.timer = setInterval(() => {
        if (!document.hidden) load();
      }, seconds * 1000);
    }
  }

  function updateCurrencies(currencies) {
    const select = controls.currency;
    const current = select.value || state.wantedCurrency || '';
    const values = currencies.length ? currencies : [''];
    const same = values.length === select.options.length && values.every((c, i) => select.options[i].value === c);
    if (!same) {
      select.replaceChildren(...values.map((c) => el('option', { value: c, text: c || '—' })));
    }
    select.value = values.includes(current) ? current : values[0];
  }

  // ---- rendering ----------------------------------------------------------------------------------------------

  function render(view, data) {
    for (const panel of panelsOf(view)) {
      const panelData = data.panels[panel.dataset.panel];
      if (!panelData) continue;
      switch (panelData.kind) {
        case 'kpis':
          renderKpis(panel, panelData);
          break;
        case 'series':
          renderSeries(panel, panelData);
          break;
        case 'table':
          renderTable(panel.querySelector('.table-box'), panelData, panel.querySelector('h2').textContent);
          break;
        case 'stuck':
          renderStuck(panel, panelData);
          break;
        case 'anomalies':
          renderAnomalies(panel, panelData);
          break;
      }
    }
  }

  /** Change in percent for a chip; beyond ±999 % the exact figure says nothing more. */
  function changeText(pct) {
    const abs = Math.abs(pct);
    return abs > 999 ? '>999 %' : `${abs} %`;
  }

  function renderKpis(panel, data) {
    // Money KPIs come one per currency; the page shows the selected currency, like every money chart.
    const currency = controls.currency.value;
    const items = data.items.filter((item) => item.currency === null || item.currency === currency);
    const cards = items.map((item) => {
      const unit =
        item.unit === 'money' ? item.currency : item.unit === 'ms' ? 'ms' : item.unit === 'percent' ? '%' : '';
      let change = null;
      if (item.changePct !== null) {
        const direction = item.changePct > 0 ? 'up' : item.changePct < 0 ? 'down' : 'flat';
        const good =
          item.higherIsBetter === null || direction === 'flat'
            ? ''
            : (direction === 'up') === item.higherIsBetter
              ? 'good'
              : 'bad';
        const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■';
        change = el('span', {
          className: `kpi-change ${good}`,
          text: `${arrow} ${changeText(item.changePct)}`,
          title: data.comparison.label,
        });
      }
      return el('div', { className: `kpi${item.alert ? ' alert' : ''}`, role: 'listitem', 'data-kpi': item.id }, [
        el('div', { className: 'kpi-label', text: item.label }),
        el('div', { className: 'kpi-figure' }, [
          el('span', {
            className: `kpi-value${item.value !== null && item.value.length > 12 ? ' long' : ''}`,
            text: item.value === null ? '—' : groupDigits(item.value),
            title: item.value === null ? 'no data' : groupDigits(item.value),
          }),
          unit ? el('span', { className: 'kpi-unit', text: unit }) : null,
        ]),
        change,
        item.previous !== null
          ? el('span', { className: 'kpi-previous', text: `Before: ${groupDigits(item.previous)} ${unit}`.trim() })
          : null,
      ]);
    });
    panel.querySelector('.kpis').replaceChildren(...cards);
    panel.querySelector('.kpi-comparison').textContent =
      `Changes ${data.comparison.label} (${formatInstant(data.comparison.from)} → ${formatInstant(data.comparison.to)} UTC).`;
  }

  function colourFor(key, index) {
    return KEY_COLOURS[key] ?? PALETTE[index % PALETTE.length];
  }

  function baseOptions(unit, { stacked = false, horizontal = false, legend = true, skipLabels = true } = {}) {
    const valueAxis = {
      beginAtZero: true,
      stacked,
      ticks: { callback: (value) => compactTick(Number(value), unit), maxTicksLimit: 6 },
      grid: { color: '#eef2f7' },
      title: { display: unit === 'ms', text: 'latency' },
    };
    const categoryAxis = {
      stacked,
      grid: { display: false },
      // Time axes thin out their labels; categories (stages, aging buckets, vendors) show every one.
      ticks: { autoSkip: skipLabels, maxRotation: skipLabels ? 0 : 45, autoSkipPadding: 12 },
    };
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? 'y' : 'x',
      interaction: { mode: 'index', intersect: false },
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { display: legend, position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const exact = ctx.dataset.bemsExact?.[ctx.dataIndex];
              const raw = exact ?? String(ctx.parsed[horizontal ? 'x' : 'y'] ?? '—');
              const suffix = unit === 'ms' ? ' ms' : '';
              return ` ${ctx.dataset.label}: ${groupDigits(raw)}${suffix}`;
            },
          },
        },
      },
    };
  }

  function upsertChart(canvas, config) {
    const existing = charts.get(canvas.id);
    if (existing && existing.config.type === config.type) {
      existing.data = config.data;
      existing.options = config.options;
      existing.update('none');
      return existing;
    }
    existing?.destroy();
    const chart = new window.Chart(canvas, config);
    charts.set(canvas.id, chart);
    return chart;
  }

  function showEmpty(box, text) {
    let note = box.querySelector('.empty-note');
    if (!text) {
      note?.remove();
      return;
    }
    if (!note) {
      note = el('p', { className: 'empty-note' });
      box.append(note);
    }
    note.textContent = text;
  }

  function renderSeries(panel, data) {
    const canvas = panel.querySelector('canvas');
    const box = canvas.parentElement;
    const group =
      data.groups.find((g) => g.currency === null) ?? data.groups.find((g) => g.currency === controls.currency.value);
    panel.dataset.currency = group?.currency ?? '';
    if (!group) {
      charts.get(canvas.id)?.destroy();
      charts.delete(canvas.id);
      const currency = controls.currency.value;
      showEmpty(box, data.groups.length ? `No ${currency} amounts in this range` : 'No data in this range');
      return;
    }
    showEmpty(box, group.keys.length ? '' : 'No data in this range');
    const line = data.chart === 'line';
    const horizontal = data.chart === 'horizontalBar' || data.chart === 'funnel';
    const stacked = data.chart === 'stackedBar';
    const datasets = group.series.map((s, i) => {
      const colour = colourFor(s.key, i);
      return {
        label: s.label,
        data: s.values,
        bemsKey: s.key,
        bemsExact: s.exact,
        borderColor: colour,
        backgroundColor: line ? `${colour}22` : colour,
        borderWidth: line ? 2 : 0,
        borderRadius: line ? 0 : 3,
        pointRadius: line ? (group.keys.length > 48 ? 0 : 2) : 0,
        // Monotone curves never overshoot: a count or an amount must not dip below zero between points.
        cubicInterpolationMode: 'monotone',
        spanGaps: false,
        maxBarThickness: 42,
      };
    });
    if (data.threshold) {
      datasets.push({
        type: 'line',
        label: data.threshold.label,
        data: group.keys.map(() => data.threshold.value),
        bemsRole: 'threshold',
        borderColor: BAD,
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
        fill: false,
      });
    }
    if (data.chart === 'funnel') {
      const first = group.series[0]?.values[0] || 0;
      datasets[0].backgroundColor = group.keys.map((k, i) => colourFor(k, i));
      datasets[0].bemsPercents = group.series[0].values.map((v) => (first ? Math.round((v / first) * 1000) / 10 : 0));
    }
    const options = baseOptions(data.unit, {
      stacked,
      horizontal,
      legend: group.series.length > 1 || !!data.threshold,
      skipLabels: data.xDimension === 'time',
    });
    if (data.chart === 'funnel') {
      options.plugins.tooltip.callbacks.afterLabel = (ctx) =>
        ` ${ctx.dataset.bemsPercents[ctx.dataIndex]} % of ingested`;
    }
    upsertChart(canvas, { type: line ? 'line' : 'bar', data: { labels: group.labels, datasets }, options });
  }

  function renderTable(box, data, caption) {
    if (data.rows.length === 0) {
      box.replaceChildren(el('p', { className: 'empty-note', text: data.note ?? 'Nothing to show in this range' }));
      return;
    }
    const numeric = new Set(['count', 'money', 'ms', 'percent', 'duration']);
    const head = el(
      'tr',
      {},
      data.columns.map((c) => el('th', { scope: 'col', className: numeric.has(c.format) ? 'num' : '', text: c.label })),
    );
    const rows = data.rows.map((row) =>
      el(
        'tr',
        {},
        data.columns.map((c) => {
          const alert = c.key === 'dlq' && Number(row[c.key]) > 0;
          return el('td', {
            className: [numeric.has(c.format) ? 'num' : '', alert ? 'alert' : ''].join(' ').trim(),
            'data-column': c.key,
            'data-value': row[c.key] === null ? '' : String(row[c.key]),
            text: formatCell(row[c.key], c.format),
          });
        }),
      ),
    );
    box.replaceChildren(
      el('table', {}, [
        el('caption', { className: 'visually-hidden', text: caption }),
        el('thead', {}, [head]),
        el('tbody', {}, rows),
      ]),
    );
  }

  function renderStuck(panel, data) {
    const canvas = panel.querySelector('canvas');
    const labels = data.byStage.map((s) => s.stage.charAt(0).toUpperCase() + s.stage.slice(1));
    const options = baseOptions('invoices', { horizontal: true, legend: false });
    options.plugins.tooltip.callbacks.afterLabel = (ctx) =>
      ` SLA ${formatDuration(data.byStage[ctx.dataIndex].slaSeconds * 1000)}`;
    upsertChart(canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            label: 'Stuck invoices',
            data: data.byStage.map((s) => s.count),
            backgroundColor: data.byStage.map((s) => STAGE_COLOURS[s.stage] ?? PALETTE[0]),
            borderRadius: 3,
            maxBarThickness: 34,
          },
        ],
      },
      options,
    });
    const box = panel.querySelector('.stuck-table');
    if (data.invoices.length === 0) {
      box.replaceChildren(el('p', { className: 'empty-note', text: 'No stuck invoices. Everything is moving.' }));
      return;
    }
    const columns = ['Invoice', 'Stage', 'Status', 'Vendor', 'Amount', 'Last event (UTC)', 'Stuck for'];
    const rows = data.invoices.map((inv) =>
      el('tr', { 'data-invoice': inv.invoiceId }, [
        el('td', {}, [
          el('button', {
            type: 'button',
            className: 'link-button',
            text: inv.invoiceId,
            'aria-label': `Show timeline of invoice ${inv.invoiceId}`,
            'data-invoice-id': inv.invoiceId,
          }),
        ]),
        el('td', { text: inv.stage }),
        el('td', {}, [el('span', { className: 'status-pill', text: inv.status })]),
        el('td', { text: inv.vendorName }),
        el('td', { className: 'num', text: `${groupDigits(inv.amount)} ${inv.currency}` }),
        el('td', { text: formatInstant(inv.lastEventAt) }),
        el('td', { className: 'num', text: formatDuration(inv.ageMs) }),
      ]),
    );
    box.replaceChildren(
      el('table', {}, [
        el('caption', { className: 'visually-hidden', text: `Stuck invoices (${data.total}), oldest first` }),
        el('thead', {}, [
          el(
            'tr',
            {},
            columns.map((c, i) => el('th', { scope: 'col', className: i >= 4 && i !== 5 ? 'num' : '', text: c })),
          ),
        ]),
        el('tbody', {}, rows),
      ]),
    );
  }

  async function showTimeline(panel, invoiceId) {
    const aside = panel.querySelector('.timeline');
    aside.replaceChildren(el('p', { className: 'timeline-empty', text: `Loading ${invoiceId}…` }));
    try {
      const response = await fetch(`${api}/invoices/${encodeURIComponent(invoiceId)}/timeline`);
      const body = await response.json();
      if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
      const items = body.events.map((e) =>
        el('li', { 'data-event-id': e.eventId }, [
          el('strong', { text: `${e.stage} · ${e.status}` }),
          el('span', {
            className: 'when',
            text: `${formatInstant(e.occurredAt)} UTC · ${groupDigits(e.amount)} ${e.currency}`,
          }),
          el('span', {
            className: 'when',
            text: `recorded ${formatInstant(e.processedAt)} · latency ${e.latencyMs === null ? '—' : formatDuration(e.latencyMs)}${e.replayed ? ' · replayed' : ''}`,
          }),
        ]),
      );
      aside.replaceChildren(
        el('h3', { text: `Timeline of ${invoiceId}` }),
        el('ol', { 'aria-label': `Events of ${invoiceId}` }, items),
      );
    } catch (error) {
      aside.replaceChildren(
        el('p', { className: 'timeline-empty', text: `Could not load ${invoiceId}: ${error.message}` }),
      );
    }
  }

  function renderAnomalies(panel, data) {
    const canvas = panel.querySelector('canvas');
    const flagged = new Set(data.anomalies.map((a) => a.key));
    const options = baseOptions('events', { legend: true });
    options.plugins.tooltip.callbacks.afterLabel = (ctx) =>
      ctx.datasetIndex === 0 && data.zScores[ctx.dataIndex] !== null ? ` z = ${data.zScores[ctx.dataIndex]}` : '';
    upsertChart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: [
          {
            label: 'Events',
            data: data.counts,
            backgroundColor: data.keys.map((k) => (flagged.has(k) ? BAD : '#93c5fd')),
            borderRadius: 2,
            maxBarThickness: 28,
          },
          {
            type: 'line',
            label: 'Median',
            data: data.keys.map(() => data.median),
            bemsRole: 'reference',
            borderColor: '#475569',
            borderDash: [4, 4],
            borderWidth: 1,
            pointRadius: 0,
          },
        ],
      },
      options,
    });
    const list = panel.querySelector('.anomaly-list');
    list.replaceChildren(
      ...(data.anomalies.length
        ? data.anomalies.map((a) =>
            el('li', { 'data-key': a.key, text: `${a.label} UTC: ${a.count} events (z ${a.zScore})` }),
          )
        : [el('li', { className: 'none', text: 'No anomalies in this range' })]),
    );
  }

  // ---- interaction -------------------------------------------------------------------------------------------------

  function selectView(view, focus = false) {
    state.view = view;
    for (const tab of tabs) {
      const selected = tab.dataset.view === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focus) tab.focus();
      document.getElementById(tab.getAttribute('aria-controls')).hidden = !selected;
    }
    writeUrl();
    load();
  }

  for (const tab of tabs) {
    tab.addEventListener('click', () => selectView(tab.dataset.view));
    tab.addEventListener('keydown', (event) => {
      const index = tabs.indexOf(tab);
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectView(tabs[(next + tabs.length) % tabs.length].dataset.view, true);
    });
  }

  controls.range.addEventListener('change', () => {
    const custom = controls.range.value === 'custom';
    for (const label of document.querySelectorAll('.custom-range')) label.hidden = !custom;
    if (custom && !state.custom) {
      const r = state.data[state.view]?.range;
      const to = r ? r.toMs : Date.now();
      setCustomRange(r ? r.fromMs : to - 86_400_000, to);
    }
    writeUrl();
    load();
  });
  for (const input of [controls.from, controls.to]) {
    input.addEventListener('change', () => {
      const from = fromUtcInput(controls.from.value);
      const to = fromUtcInput(controls.to.value);
      if (Number.isNaN(from) || Number.isNaN(to)) return;
      state.custom = { from, to };
      writeUrl();
      load();
    });
  }
  controls.bucket.addEventListener('change', () => {
    writeUrl();
    load();
  });
  controls.currency.addEventListener('change', () => {
    writeUrl();
    const data = state.data[state.view];
    if (data) render(state.view, data);
  });
  controls.refresh.addEventListener('change', () => {
    writeUrl();
    scheduleRefresh();
  });
  controls.refreshNow.addEventListener('click', () => load());
  document.querySelector('.controls').addEventListener('submit', (event) => event.preventDefault());
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-invoice-id]');
    if (button) showTimeline(button.closest('[data-panel]'), button.dataset.invoiceId);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && Number(controls.refresh.value) > 0) load();
  });

  // Exposed for debugging in the browser console and for the browser test.
  window.bemsDashboard = { charts, state, reload: load };

  readUrl();
  for (const label of document.querySelectorAll('.custom-range')) label.hidden = controls.range.value !== 'custom';
  selectView(state.view);
  scheduleRefresh();
})();
