// Operator console. Plain JavaScript, no build step, no dependencies. Everything from the server is put on the
// page as text (textContent), never as HTML: dead letters are hostile input. The operator token lives in this
// page's memory only and is sent only with actions.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  let token = null;
  let selected = null;
  let pending = null;
  let historyRef = null;
  let historyNext = null;
  const MAX_ROWS = 200;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function row(cells, cls) {
    const tr = el('tr', null, cls);
    for (const c of cells) tr.appendChild(c instanceof Node ? c : el('td', c === undefined || c === null ? '' : c));
    return tr;
  }

  function facts(dl, pairs) {
    clear(dl);
    for (const [k, v] of pairs) {
      if (v === undefined || v === null || v === '') continue;
      dl.appendChild(el('dt', k));
      dl.appendChild(el('dd', typeof v === 'object' ? JSON.stringify(v) : v));
    }
  }

  function say(node, text, isError) {
    clear(node);
    node.textContent = text;
    node.classList.toggle('error', !!isError);
    node.classList.remove('muted');
  }

  async function getJson(url) {
    const r = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    return { status: r.status, ok: r.ok, body };
  }

  async function act(path, payload) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    const r = await fetch(path, { method: 'POST', headers, body: JSON.stringify(payload), cache: 'no-store' });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    return { status: r.status, ok: r.ok, body };
  }

  // ---- engine state -------------------------------------------------------------------------------------------
  async function refreshState() {
    try {
      const { ok, body } = await getJson('api/state');
      if (!ok || !body) throw new Error('state unavailable');
      $('instance').textContent = 'instance ' + body.instanceId + ' · group ' + body.groupId + ' · commands ' + body.topics.commands;
      const health = body.ready ? 'ready' : (body.live ? 'live, not ready' : 'down');
      $('health').textContent = health;
      const b = body.breaker;
      $('breaker-state').textContent = b.state;
      $('breaker-state').className = 'value state-' + b.state;
      $('breaker-detail').textContent = 'opened ' + b.opens + ' time(s); opens after ' + b.failureThreshold
        + ' transient failures' + (b.state !== 'CLOSED' ? '; probe in ' + b.retryInMs + ' ms' : '');
      const c = body.concurrency;
      $('concurrency').textContent = c.unfinished + ' unfinished / ' + c.maxInFlight + ' in flight max';
      $('concurrency-detail').textContent = 'buffer ceiling ' + c.maxBufferedRecords
        + (c.backpressure ? ' (partitions paused)' : '') + ' · ' + c.executionThreads + ' execution threads · '
        + (c.rateLimitRps > 0 ? c.rateLimitRps + ' req/s cap' : 'no rate cap') + ' · pool ' + c.maxConnections;
      $('actions-state').textContent = body.actionsEnabled ? 'enabled with the operator token' : 'disabled (no HTTP_ADMIN_TOKEN)';
    } catch (e) {
      $('health').textContent = 'unreachable';
    }
  }

  // ---- command lookup -----------------------------------------------------------------------------------------
  async function lookup(ev) {
    ev.preventDefault();
    const issuer = $('lookup-issuer').value.trim();
    const key = $('lookup-key').value.trim();
    const out = $('lookup-result');
    say(out, 'looking up…');
    const { status, body } = await getJson('/commands/' + encodeURIComponent(issuer) + '/' + encodeURIComponent(key));
    if (status === 404) {
      say(out, 'No decision recorded for ' + issuer + ' / ' + key + ' on the partitions this instance owns.');
      return;
    }
    if (!body || status !== 200) {
      say(out, 'Lookup failed (HTTP ' + status + ')', true);
      return;
    }
    clear(out);
    out.classList.remove('error', 'muted');
    const dl = el('dl');
    dl.id = 'lookup-facts';
    facts(dl, [['status', body.status], ['command type', body.commandType], ['command id', body.commandId],
      ['user id', body.userId], ['error code', body.errorCode], ['HTTP status', body.httpStatus], ['decided at', body.decidedAt]]);
    out.appendChild(dl);
  }

  // ---- user history -------------------------------------------------------------------------------------------
  // The status and history view's page: {ref, by, order, total, entries: [{seq, commandId, commandType, issuer,
  // idempotencyKey, recordKey, source, outcome: {status, errorCode, userId, completedAt, ...}, audit: {action,
  // changedFields, occurredAt, ...}}], nextCursor}, fetched through this processor (/console/api/history/{ref}).
  async function history(ev, more) {
    if (ev) ev.preventDefault();
    if (!more) {
      historyRef = $('history-ref').value.trim();
      historyNext = null;
      clear($('history-table').tBodies[0]);
    }
    const out = $('history-result');
    let url = 'api/history/' + encodeURIComponent(historyRef) + '?by=' + encodeURIComponent($('history-by').value) + '&limit=50';
    if (more && historyNext !== null) url += '&cursor=' + encodeURIComponent(historyNext);
    say(out, 'loading…');
    const { status, body } = await getJson(url);
    if (status !== 200 || !body) {
      say(out, (body && body.error) || 'History failed (HTTP ' + status + ')', status !== 404);
      $('history-table').classList.toggle('hidden', !$('history-table').tBodies[0].rows.length);
      $('history-more').classList.add('hidden');
      return;
    }
    const tbody = $('history-table').tBodies[0];
    for (const it of body.entries || []) {
      const o = it.outcome || {};
      const a = it.audit || {};
      const when = o.completedAt || a.occurredAt || '';
      const details = [];
      if (o.errorCode) details.push('error ' + o.errorCode);
      if (o.userId) details.push('user ' + o.userId);
      if (a.action) details.push('audit ' + a.action + (a.changedFields && a.changedFields.length ? ' (' + a.changedFields.join(', ') + ')' : ''));
      if (it.source) details.push('from ' + (it.source.topic || '') + '-' + it.source.partition + '@' + it.source.offset);
      const tr = row([el('td', it.seq), el('td', when), el('td', it.commandType + ' ' + it.issuer + '/' + it.idempotencyKey),
        el('td', o.status || a.status || '', 'status-' + (o.status || a.status || '')), el('td', details.join(' · '))]);
      tr.dataset.commandId = it.commandId;
      tbody.appendChild(tr);
    }
    historyNext = body.nextCursor === undefined ? null : body.nextCursor;
    $('history-table').classList.remove('hidden');
    $('history-more').classList.toggle('hidden', historyNext === null);
    say(out, tbody.rows.length + ' of ' + body.total + ' entr' + (body.total === 1 ? 'y' : 'ies') + ' for ' + historyRef + ' (by ' + body.by + ')');
  }

  // ---- live outcomes ------------------------------------------------------------------------------------------
  function showCounts(counts) {
    const box = $('counts');
    clear(box);
    const by = (counts && counts.byStatus) || {};
    const names = Object.keys(by);
    if (!names.length) box.appendChild(el('span', 'no outcomes yet', 'muted'));
    for (const s of names) {
      const c = el('span', s + ' ' + by[s], 'count status-' + s);
      c.dataset.status = s;
      c.dataset.count = by[s];
      box.appendChild(c);
    }
    if (counts && counts.since) $('live-state').textContent = 'counting committed outcomes of the whole cluster since ' + counts.since;
  }

  function live() {
    const source = new EventSource('api/outcomes');
    source.addEventListener('counts', (e) => showCounts(JSON.parse(e.data)));
    source.addEventListener('outcome', (e) => {
      const o = JSON.parse(e.data);
      showCounts(o.counts);
      const tbody = $('outcomes').tBodies[0];
      const tr = row([el('td', o.completedAt), el('td', o.status, 'status-' + o.status), el('td', o.commandType),
        el('td', o.issuer + ' / ' + o.idempotencyKey), el('td', o.errorCode || ''), el('td', o.commandId)]);
      tr.dataset.commandId = o.commandId;
      tr.dataset.status = o.status;
      tbody.insertBefore(tr, tbody.firstChild);
      while (tbody.rows.length > MAX_ROWS) tbody.deleteRow(tbody.rows.length - 1);
    });
    source.onopen = () => { $('live-state').textContent = 'connected; waiting for outcomes'; };
    source.onerror = () => { $('live-state').textContent = 'disconnected; retrying…'; };
  }

  // ---- dead letters -------------------------------------------------------------------------------------------
  async function loadDeadLetters() {
    const cls = $('dlq-class').value;
    const { ok, body } = await getJson('api/dead-letters?limit=100' + (cls ? '&errorClass=' + encodeURIComponent(cls) : ''));
    const summary = $('dlq-summary');
    if (!ok || !body) {
      say(summary, 'cannot read dead letters' + (body && body.error ? ': ' + body.error : ''), true);
      return;
    }
    const select = $('dlq-class');
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    for (const [name, count] of Object.entries(body.byClass)) {
      const opt = el('option', name + ' (' + count + ')');
      opt.value = name;
      select.appendChild(opt);
    }
    select.value = keep;
    $('redrive-class').disabled = !select.value;
    summary.textContent = body.scanned + ' dead letter(s) in ' + body.topic + (body.truncated ? ' (scan stopped early)' : '')
      + '; ' + body.redrivenCount + ' redriven';
    summary.classList.remove('error');
    const tbody = $('dlq-table').tBodies[0];
    clear(tbody);
    for (const d of body.items) {
      const tr = row([el('td', d.position), el('td', d.timestamp), el('td', d.errorClass), el('td', d.reason),
        el('td', d.key), el('td', d.source), el('td', d.redrivenTo ? '→ ' + d.redrivenTo : '')]);
      tr.dataset.position = d.position;
      if (d.position === selected) tr.classList.add('selected');
      tr.addEventListener('click', () => openDeadLetter(d.position));
      tbody.appendChild(tr);
    }
  }

  async function openDeadLetter(position) {
    selected = position;
    for (const tr of $('dlq-table').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.position === position);
    const [p, o] = position.split(':');
    const { ok, body } = await getJson('api/dead-letters/' + p + '/' + o);
    const box = $('dlq-detail');
    box.classList.remove('hidden');
    $('dlq-detail-id').textContent = position;
    if (!ok || !body) {
      facts($('dlq-facts'), [['error', body && body.error ? body.error : 'cannot read it']]);
      return;
    }
    const headers = (body.headers || []).map((h) => h.key + '=' + h.value).join('\n');
    const provenance = (body.provenance || []).map((h) => h.key + '=' + h.value).join('\n');
    facts($('dlq-facts'), [['error class', body.errorClass], ['reason', body.reason], ['key', body.key],
      ['source', body.source], ['dead-lettered at', body.timestamp], ['headers', headers], ['provenance', provenance],
      ['value', body.value.length === null ? 'null' : body.value.length + ' bytes' + (body.value.schemaName ? ', ' + body.value.schemaName + ' (schema id ' + body.value.schemaId + ')' : '')],
      ['secret fields', (body.value.secretFields || []).join(', ')],
      ['redriven to', body.redrivenTo], ['redriven from', body.redrivenFrom]]);
    const decoded = body.value.decoded !== undefined ? JSON.stringify(body.value.decoded, null, 2) : '';
    $('dlq-decoded').textContent = (decoded || '') + (body.value.decodeError ? (decoded ? '\n\n' : '') + '⚠ ' + body.value.decodeError : '');
    $('dlq-hex').textContent = (body.value.hex || []).join('\n');
    $('redrive-one').disabled = !!body.redrivenTo;
  }

  // ---- redrive: plan, confirm ---------------------------------------------------------------------------------
  async function plan(selection) {
    const out = $('redrive-result');
    say(out, 'asking what this covers…');
    const { status, body } = await act('api/redrive/plan', selection);
    if (status !== 200 || !body) {
      say(out, (body && body.error) || 'refused (HTTP ' + status + ')', true);
      return;
    }
    showPlan(selection, body);
    say(out, '');
  }

  function showPlan(selection, p) {
    pending = { selection, planId: p.planId };
    const what = selection.errorClass ? 'every dead letter of class ' + selection.errorClass + ' not redriven yet' : 'dead letter ' + selection.positions.join(', ');
    $('plan-text').textContent = 'Send ' + p.toSend + ' of ' + p.count + ' (' + what + ') back to the topic and partition it came from, '
      + 'with its key and headers. Each goes back at most once.' + (p.alreadyRedriven ? ' ' + p.alreadyRedriven + ' already went back and will be skipped.' : '')
      + (p.capped ? ' This is the first batch; run it again for the rest.' : '');
    const list = $('plan-items');
    clear(list);
    for (const d of p.items.slice(0, 20)) list.appendChild(el('li', d.position + '  ' + d.errorClass + '  key=' + d.key));
    if (p.items.length > 20) list.appendChild(el('li', '… and ' + (p.items.length - 20) + ' more'));
    $('plan-confirm').textContent = 'Redrive ' + p.toSend;
    $('plan-confirm').disabled = p.toSend === 0;
    $('plan').classList.remove('hidden');
  }

  async function confirm() {
    if (!pending) return;
    const out = $('redrive-result');
    $('plan-confirm').disabled = true;
    const { status, body } = await act('api/redrive/confirm', Object.assign({ planId: pending.planId }, pending.selection));
    if (status !== 200 || !body) {
      say(out, (body && body.error) || 'refused (HTTP ' + status + ')', true);
      $('plan-confirm').disabled = false;
      return;
    }
    if (!body.confirmed) {
      say(out, 'The selection changed since the plan was made; check the new plan and confirm again.', true);
      showPlan(pending.selection, body);
      return;
    }
    $('plan').classList.add('hidden');
    pending = null;
    const lines = body.results.map((r) => r.position + ' ' + r.status + (r.detail ? ' → ' + r.detail : ''));
    say(out, 'redriven ' + body.redriven + ', skipped ' + body.skipped + ': ' + lines.join('; '));
    // A commit becomes visible to readers a moment after it returns: refresh now and once more shortly.
    if (body.results.some((r) => r.position === selected && r.status !== 'NO_SOURCE')) $('redrive-one').disabled = true;
    await loadDeadLetters();
    setTimeout(async () => {
      await loadDeadLetters();
      if (selected) await openDeadLetter(selected);
    }, 1000);
  }

  function init() {
    $('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = $('token').value;
      token = v ? v : null;
      $('token').value = '';
      $('token-state').textContent = token ? 'token set for this page (checked by the server on each action)' : 'read-only';
    });
    $('lookup-form').addEventListener('submit', lookup);
    $('history-form').addEventListener('submit', (ev) => history(ev, false));
    $('history-more').addEventListener('click', () => history(null, true));
    $('dlq-refresh').addEventListener('click', loadDeadLetters);
    $('dlq-class').addEventListener('change', loadDeadLetters);
    $('redrive-one').addEventListener('click', () => selected && plan({ positions: [selected] }));
    $('redrive-class').addEventListener('click', () => $('dlq-class').value && plan({ errorClass: $('dlq-class').value }));
    $('plan-confirm').addEventListener('click', confirm);
    $('plan-cancel').addEventListener('click', () => { pending = null; $('plan').classList.add('hidden'); });
    refreshState();
    setInterval(refreshState, 2000);
    live();
    loadDeadLetters();
  }

  init();
})();
