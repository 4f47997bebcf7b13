'use strict';
// The ops dashboard: plain JS, no build step, no external URLs. Everything goes through the base
// URL (the edge), with a bearer token kept in sessionStorage only: pasted (local development
// issuer), or obtained from the department's identity provider with the authorization-code flow
// and PKCE (S256) when /dashboard/sign-in.json names an issuer and a client.
(function () {
  const TOKEN_KEY = 'ct.token';
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  // Texts and number/date formats of the chosen language (i18n.js, lang-vi.js, lang-en.js).
  const { t, num, pct, dateTime, time } = window.CtI18n;
  const { weeklyPhrase, levelReasons } = window.CtFigures;
  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  const replaying = new Set();

  function el(tag, attrs, ...children) {
    const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat())
      if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function decode(t) {
    try {
      const p = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return p;
    } catch (e) {
      return null;
    }
  }

  async function api(method, path, body) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let data = text;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      /* not JSON */
    }
    if (!res.ok) {
      const msg = (data && data.message) || res.statusText;
      const err = new Error(`${res.status} ${Array.isArray(msg) ? msg.join('; ') : msg}`);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  // The banner is kept as a text key and its values, so a language switch re-words it.
  let bannerText = null;
  function banner(key, vars) {
    bannerText = key ? { key, vars } : null;
    const b = $('banner');
    b.hidden = !key;
    b.textContent = key ? t(key, vars) : '';
  }

  const KNOWN_ROLES = ['tracer', 'quarantine', 'feed', 'ops', 'admin'];
  let sso = null; // { issuer, clientId } when the identity provider signs users in

  function showWho() {
    const p = token ? decode(token) : null;
    const roles = ((p && p.realm_access && p.realm_access.roles) || (p && p.roles) || []).filter((r) =>
      KNOWN_ROLES.includes(r),
    );
    $('who').textContent = p
      ? `${p.preferred_username || p.sub || t('who.signedIn')} (${roles.join(', ')})`
      : t('who.none');
    $('signout-button').hidden = !token;
    $('token').hidden = !!token || !!sso;
    $('signin-button').hidden = !!token || !!sso;
    $('sso-button').hidden = !!token || !sso;
  }

  const fmtTime = (iso) => time(iso);

  function sparkline(series) {
    const w = 150,
      h = 24,
      max = Math.max(1, ...series);
    const pts = series
      .map((v, i) => `${(i * w) / Math.max(1, series.length - 1)},${h - (v / max) * (h - 2) - 1}`)
      .join(' ');
    return el(
      'svg:svg',
      {
        width: w,
        height: h,
        viewBox: `0 0 ${w} ${h}`,
        role: 'img',
        'aria-label': t('topics.perMinute', { series: series.join(', ') }),
      },
      el('svg:polyline', { class: 'spark', points: pts }),
    );
  }

  function failIn(tbody, cols, err) {
    tbody.replaceChildren(
      el(
        'tr',
        {},
        el('td', {
          colspan: cols,
          class: 'error',
          text: err.status === 401 ? t('error.signIn') : t('error.unavailable', { message: err.message }),
        }),
      ),
    );
  }

  async function loadHealth() {
    const box = $('health');
    try {
      const res = await fetch('/health');
      const h = await res.json();
      const services = h.services || { [h.service || 'service']: h };
      // Each service's /health is its readiness: a service that answers but is not ready is live
      // (its checks say which part is down: database, kafka or consumer); one that does not answer is down.
      const label = (s) => {
        if (s.status === 'ok') return t('health.up');
        const down = Object.entries(s.checks || {})
          .filter(([, c]) => c && c.status === 'down')
          .map(([k]) => k);
        return down.length ? t('health.notReady', { down: down.join(', ') }) : s.status || t('health.down');
      };
      box.replaceChildren(
        ...Object.entries(services).map(([name, s]) =>
          el('span', {
            class: `chip ${s.status === 'ok' ? 'up' : s.checks ? 'live' : 'down'}`,
            'data-service': name,
            text: `${name}: ${label(s)}`,
          }),
        ),
      );
    } catch (err) {
      box.replaceChildren(el('span', { class: 'chip down', text: t('health.unavailable', { message: err.message }) }));
    }
  }

  async function loadTopics() {
    const tbody = $('topics').tBodies[0];
    try {
      const { topics } = await api('GET', '/ops/topics');
      tbody.replaceChildren(
        ...topics.map((tp) =>
          el(
            'tr',
            { 'data-topic': tp.topic },
            el(
              'td',
              { class: tp.topic.endsWith('.dlq') ? 'dlq-topic' : '' },
              el('button', {
                type: 'button',
                class: 'topic-link',
                title: t('topics.latest'),
                text: tp.topic,
                onclick: () => showEvents(tp.topic),
              }),
            ),
            el('td', { class: 'num total', 'data-value': tp.count, text: num(tp.count) }),
            el('td', { class: 'num rate', 'data-value': tp.lastMinute, text: num(tp.lastMinute) }),
            el('td', {}, sparkline(tp.perMinute.map((m) => m.count))),
            el('td', { class: 'muted', text: fmtTime(tp.lastEventAt) }),
          ),
        ),
      );
    } catch (err) {
      failIn(tbody, 5, err);
    }
  }

  let eventsTopic = null;
  async function showEvents(topic) {
    eventsTopic = topic;
    $('events').hidden = false;
    $('events-topic').textContent = topic;
    await loadEvents();
  }

  async function loadEvents() {
    if (!eventsTopic) return;
    const list = $('events-list');
    try {
      const { events } = await api('GET', `/ops/topics/${encodeURIComponent(eventsTopic)}/events?limit=20`);
      if (events.length === 0) {
        list.replaceChildren(el('li', { class: 'muted', text: t('events.none') }));
        return;
      }
      list.replaceChildren(
        ...events.map((e) =>
          el(
            'li',
            { 'data-offset': `${e.partition}:${e.offset}`, 'data-key': e.key || '' },
            el('strong', { text: e.type || t('events.noType') }),
            ` ${t('events.meta', { key: e.key, partition: e.partition, offset: e.offset, at: dateTime(Number(e.timestamp)) })}`,
            el('pre', { class: 'headers', text: JSON.stringify(e.headers, null, 1) }),
            el('pre', {
              class: 'payload',
              text: typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload, null, 1),
            }),
          ),
        ),
      );
    } catch (err) {
      list.replaceChildren(el('li', { class: 'error', text: t('error.unavailable', { message: err.message }) }));
    }
  }

  async function loadLag() {
    const tbody = $('lag').tBodies[0];
    try {
      const { groups } = await api('GET', '/ops/lag');
      tbody.replaceChildren(
        ...groups.map((g) =>
          el(
            'tr',
            { 'data-group': g.group, class: (g.stalled || []).length ? 'stalled' : '' },
            el('td', { text: g.group }),
            el('td', { class: 'num lag', 'data-value': g.lag, text: num(g.lag) }),
            el('td', {
              class: 'muted',
              text: g.topics.length ? g.topics.map((x) => `${x.topic}: ${num(x.lag)}`).join(', ') : t('lag.noOffsets'),
            }),
            // Lag while the committed offset stands still: a partition that does not move.
            el('td', {
              class: (g.stalled || []).length ? 'stall error' : 'stall muted',
              text: (g.stalled || []).length
                ? g.stalled
                    .map((f) =>
                      t('lag.stalled', {
                        topic: f.topic,
                        partition: f.partition,
                        committed: f.committed,
                        lag: num(f.lag),
                        seconds: num(Math.round(f.stalledForMs / 1000)),
                      }),
                    )
                    .join(', ')
                : t('lag.moving'),
            }),
          ),
        ),
      );
    } catch (err) {
      failIn(tbody, 4, err);
    }
  }

  async function replay(id, button) {
    replaying.add(id);
    button.disabled = true;
    button.textContent = t('dlq.replaying');
    try {
      await api('POST', `/ops/dlq/${id}/replay`);
      banner(null);
    } catch (err) {
      banner('dlq.replayFailed', { id, message: err.message });
    } finally {
      replaying.delete(id);
      await loadDlq();
    }
  }

  async function replayGroup(key, button) {
    replaying.add(key);
    button.disabled = true;
    button.textContent = t('dlq.replaying');
    try {
      const r = await api('POST', `/ops/dlq/groups/${key}/replay`);
      banner('dlq.groupReplayed', { n: num(r.replayed) });
    } catch (err) {
      banner('dlq.groupReplayFailed', { message: err.message });
    } finally {
      replaying.delete(key);
      await loadDlq();
    }
  }

  async function loadDlqGroups() {
    const tbody = $('dlq-groups').tBodies[0];
    try {
      const { groups, total } = await api('GET', '/ops/dlq/groups?limit=20');
      $('dlq-groups-total').textContent =
        total > groups.length ? t('dlq.groupsTotal', { shown: num(groups.length), total: num(total) }) : '';
      if (groups.length === 0) {
        tbody.replaceChildren(el('tr', {}, el('td', { colspan: 7, class: 'muted', text: t('dlq.none') })));
        return;
      }
      tbody.replaceChildren(
        ...groups.map((g) => {
          const button = el('button', {
            type: 'button',
            class: 'replay-group',
            text: replaying.has(g.key) ? t('dlq.replaying') : t('dlq.replayN', { n: num(g.notReplayed) }),
            disabled: replaying.has(g.key) || g.notReplayed === 0,
          });
          button.addEventListener('click', () => replayGroup(g.key, button));
          return el(
            'tr',
            { 'data-dlq-group': g.key },
            el('td', { class: 'reason', text: g.reason }),
            el('td', { text: g.originalTopic }),
            el('td', { text: g.failedGroup || '—' }),
            el('td', { class: 'muted', text: g.category || '—' }),
            el('td', { class: 'num count', 'data-value': g.count, text: num(g.count) }),
            el('td', { class: 'muted', text: dateTime(g.newestAt) }),
            el('td', {}, button),
          );
        }),
      );
    } catch (err) {
      failIn(tbody, 7, err);
    }
  }

  // Pages of dead letters, newest first: the ids that start each page seen so far (null: the newest).
  const dlqPages = [null];
  let dlqNext = null;

  async function loadDlq() {
    void loadDlqGroups();
    const tbody = $('dlq').tBodies[0];
    try {
      const before = dlqPages[dlqPages.length - 1];
      const page = await api('GET', `/ops/dlq?limit=50${before ? `&before=${before}` : ''}`);
      const { entries } = page;
      dlqNext = page.next;
      $('dlq-older').disabled = !dlqNext;
      $('dlq-newer').disabled = dlqPages.length === 1;
      $('dlq-page').textContent = t('dlq.page', { n: dlqPages.length });
      if (entries.length === 0) {
        tbody.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'muted', text: t('dlq.none') })));
        return;
      }
      tbody.replaceChildren(
        ...entries.map((e) => {
          const button = el('button', {
            type: 'button',
            class: 'replay',
            'data-id': e.id,
            text: replaying.has(e.id) ? t('dlq.replaying') : t('dlq.replay'),
            disabled: replaying.has(e.id),
          });
          button.addEventListener('click', () => replay(e.id, button));
          return el(
            'tr',
            { 'data-dlq-id': e.id, 'data-event-id': e.eventId || '' },
            el('td', { text: e.id }),
            el('td', { text: e.originalTopic }),
            el('td', { text: e.eventType || '—' }),
            el('td', { class: 'reason', text: e.reason, title: JSON.stringify(e.fields) }),
            el('td', { text: e.failedGroup || '—' }),
            el('td', { class: 'muted when', 'data-at': e.deadLetteredAt, text: dateTime(e.deadLetteredAt) }),
            el('td', {
              class: e.replayCount ? 'replays replayed' : 'replays muted',
              text: e.replayCount ? t('dlq.replayed', { n: e.replayCount }) : t('dlq.notReplayed'),
            }),
            el('td', {}, button),
          );
        }),
      );
    } catch (err) {
      failIn(tbody, 8, err);
    }
  }

  let areasLoaded = false;
  const areaNames = new Map();
  async function loadAreas() {
    if (areasLoaded) return;
    const sel = $('area');
    try {
      const { areas } = await api('GET', '/stats/areas');
      const depth = (a) => (a.level === 'province' ? 0 : a.level === 'district' ? 1 : 2);
      for (const a of areas) areaNames.set(a.code, a.name);
      sel.replaceChildren(
        ...areas.map((a) =>
          el('option', { value: a.code, text: `${'\u00a0\u00a0'.repeat(depth(a))}${a.name} (${a.code})` }),
        ),
      );
      areasLoaded = true;
      sel.addEventListener('change', loadWeekly);
    } catch (err) {
      $('weekly-text').textContent =
        err.status === 401 ? t('weekly.signIn') : t('error.unavailable', { message: err.message });
    }
  }

  function barChart(weeks) {
    const w = 460,
      h = 180,
      pad = 28,
      max = Math.max(1, ...weeks.map((x) => x.count));
    const bw = (w - pad) / weeks.length;
    const svg = el('svg:svg', {
      width: '100%',
      viewBox: `0 0 ${w} ${h + 30}`,
      class: 'chart',
      role: 'img',
      'aria-label': t('weekly.chart'),
    });
    svg.append(
      el('svg:text', { x: 0, y: 12, text: num(max) }),
      el('svg:line', { x1: pad - 4, y1: h, x2: w, y2: h, stroke: '#999' }),
    );
    weeks.forEach((x, i) => {
      const bh = ((h - 20) * x.count) / max,
        ch = ((h - 20) * x.community) / max;
      const gx = pad + i * bw;
      svg.append(
        el(
          'svg:rect',
          {
            class: 'bar',
            x: gx + 3,
            y: h - bh,
            width: bw - 6,
            height: bh,
            'data-week': x.weekStart,
            'data-count': x.count,
          },
          el('svg:title', { text: weeklyPhrase(x) }),
        ),
        el('svg:rect', { class: 'bar community', x: gx + 3, y: h - ch, width: bw - 6, height: ch }),
        el('svg:text', { x: gx + bw / 2, y: h - bh - 3, 'text-anchor': 'middle', text: num(x.count) }),
        el('svg:text', { x: gx + bw / 2, y: h + 14, 'text-anchor': 'middle', text: x.isoWeek.slice(5) }),
      );
    });
    return svg;
  }

  async function loadWeekly() {
    const code = $('area').value;
    if (!code) return;
    try {
      const data = await api('GET', `/stats/weekly?area=${encodeURIComponent(code)}&weeks=8`);
      const last = data.weeks[data.weeks.length - 1];
      $('weekly-text').textContent = `${data.name}: ${weeklyPhrase(last)}`;
      $('weekly-chart').replaceChildren(barChart(data.weeks), el('p', { class: 'muted', text: t('weekly.legend') }));
    } catch (err) {
      $('weekly-text').textContent = t('error.unavailable', { message: err.message });
    }
  }

  async function loadLevels() {
    const tbody = $('levels').tBodies[0];
    try {
      const { levels } = await api('GET', '/areas/levels');
      tbody.replaceChildren(
        ...levels.map((l) =>
          el(
            'tr',
            { 'data-area': l.areaCode, 'data-level': l.level },
            el('td', { text: `${l.name} (${l.areaCode})` }),
            el(
              'td',
              {},
              el('span', { class: `level level-${l.level}`, text: `${l.level} · ${t(`levels.name.${l.level}`)}` }),
            ),
            el('td', { class: 'num', 'data-value': l.casesPer100k, text: num(l.casesPer100k, 2) }),
            el('td', { class: 'muted', text: levelReasons(l) }),
          ),
        ),
      );
    } catch (err) {
      failIn(tbody, 4, err);
    }
  }

  function drawGraph(data) {
    const nodes = data.nodes || [];
    const edges = data.edges || [];
    const w = 720,
      h = 420,
      cx = w / 2,
      cy = h / 2;
    const rings = {};
    for (const n of nodes) (rings[n.degree ?? 'x'] = rings[n.degree ?? 'x'] || []).push(n);
    const pos = {};
    for (const [deg, list] of Object.entries(rings)) {
      const r = deg === '0' ? 0 : deg === 'x' ? 190 : Math.min(190, 80 * Number(deg));
      list.forEach((n, i) => {
        const a = (2 * Math.PI * i) / list.length + (deg === '2' ? Math.PI / list.length : 0);
        pos[n.personId] = { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
      });
    }
    const svg = el('svg:svg', {
      width: '100%',
      viewBox: `0 0 ${w} ${h}`,
      class: 'graph',
      role: 'img',
      'aria-label': t('graph.label'),
    });
    for (const e of edges) {
      const a = pos[e.source],
        b = pos[e.target];
      if (!a || !b) continue;
      svg.append(
        el(
          'svg:line',
          {
            class: `edge ${String(e.kind || '').toLowerCase()}`,
            x1: a.x,
            y1: a.y,
            x2: b.x,
            y2: b.y,
            'data-source': e.source,
            'data-target': e.target,
          },
          el('svg:title', {
            // A contact of an area the token does not cover: a pseudonym, no kind, venue or times.
            text: e.hidden
              ? t('graph.otherArea')
              : `${e.venueId ? t('graph.at', { kind: e.kind, venue: e.venueId }) : e.kind}: ${e.startedAt ? dateTime(e.startedAt) : ''} – ${e.endedAt ? dateTime(e.endedAt) : ''}`,
          }),
        ),
      );
    }
    for (const n of nodes) {
      const p = pos[n.personId];
      svg.append(
        el(
          'svg:g',
          { class: `node deg-${n.degree ?? 'x'}`, 'data-person': n.personId, transform: `translate(${p.x},${p.y})` },
          el('svg:circle', { r: n.degree === 0 ? 14 : 10 }),
          el('svg:title', { text: `${n.personId} · ${n.hidden ? t('graph.nodeOtherArea') : n.class || ''}` }),
          el('svg:text', {
            y: 26,
            'text-anchor': 'middle',
            text: `${n.class || `F${n.degree}`} ${String(n.personId).slice(0, 10)}`,
          }),
        ),
      );
    }
    return svg;
  }

  async function loadGraph(ev) {
    if (ev) ev.preventDefault();
    const id = $('case-id').value.trim();
    const status = $('graph-status');
    if (!id) return;
    status.className = 'muted';
    status.textContent = t('graph.loading');
    try {
      const data = await api('GET', `/cases/${encodeURIComponent(id)}/contacts`);
      if (!data || !Array.isArray(data.nodes)) throw new Error(t('graph.unexpected'));
      $('graph').replaceChildren(drawGraph(data));
      status.className = 'ok';
      status.textContent = t('graph.status', {
        people: num(data.nodes.length),
        exposures: num((data.edges || []).length),
      });
    } catch (err) {
      $('graph').replaceChildren();
      status.className = 'error';
      status.textContent = t('graph.failed', { message: err.message });
    }
  }

  // Panels in their own script files (loaded after app.js; README, "Adding a translated panel")
  // register { fast?, slow? } loaders: called with the others, and again after a language switch.
  const panels = [];
  window.CtDashboard = {
    api,
    el,
    failIn,
    /** An area's name (GET /stats/areas) with its code: "Phường Tân Thạnh (20290)". */
    areaLabel: (code, name) => `${name || areaNames.get(code) || code} (${code})`,
    registerPanel: (p) => panels.push(p),
  };

  function refreshFast() {
    void loadHealth();
    if (!token) return;
    void loadTopics();
    void loadLag();
    void loadDlq();
    void loadEvents();
    for (const p of panels) if (p.fast) void p.fast();
  }

  async function refreshSlow() {
    if (!token) return;
    await loadAreas();
    void loadWeekly();
    void loadLevels();
    for (const p of panels) if (p.slow) void p.slow();
  }

  $('signin').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('token')
      .value.trim()
      .replace(/^Bearer\s+/i, '');
    if (!t) return;
    token = t;
    sessionStorage.setItem(TOKEN_KEY, t);
    $('token').value = '';
    showWho();
    banner(null);
    refreshFast();
    void refreshSlow();
  });
  $('signout-button').addEventListener('click', () => {
    token = '';
    sessionStorage.removeItem(TOKEN_KEY);
    areasLoaded = false;
    showWho();
    banner('banner.signedOut');
  });
  $('graph-form').addEventListener('submit', loadGraph);
  $('dlq-older').addEventListener('click', () => {
    if (!dlqNext) return;
    dlqPages.push(dlqNext);
    void loadDlq();
  });
  $('dlq-newer').addEventListener('click', () => {
    if (dlqPages.length > 1) dlqPages.pop();
    void loadDlq();
  });
  $('events-close').addEventListener('click', () => {
    eventsTopic = null;
    $('events').hidden = true;
  });

  // --- Sign-in at the identity provider: authorization code + PKCE (RFC 7636), public client ---
  const PKCE_KEY = 'ct.pkce';
  const b64url = (bytes) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const randomString = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
  const redirectUri = () => `${location.origin}/`;

  async function discovery() {
    const res = await fetch(`${sso.issuer}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`identity provider answered ${res.status}`);
    return res.json();
  }

  async function startSignIn() {
    try {
      const d = await discovery();
      const verifier = randomString();
      const state = randomString();
      const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
      sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
      const q = new URLSearchParams({
        response_type: 'code',
        client_id: sso.clientId,
        redirect_uri: redirectUri(),
        scope: 'openid',
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      location.assign(`${d.authorization_endpoint}?${q}`);
    } catch (err) {
      banner('banner.idpUnreachable', { message: err.message });
    }
  }

  /** Back from the identity provider with ?code=&state=: trade the code (and the verifier) for a token. */
  async function finishSignIn() {
    const params = new URLSearchParams(location.search);
    if (!params.has('code') && !params.has('error')) return;
    history.replaceState(null, '', location.pathname);
    const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
    sessionStorage.removeItem(PKCE_KEY);
    if (params.has('error')) return banner('banner.signInRefused', { error: params.get('error') });
    if (!saved || saved.state !== params.get('state')) return banner('banner.stateMismatch');
    try {
      const d = await discovery();
      const res = await fetch(d.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: params.get('code'),
          redirect_uri: redirectUri(),
          client_id: sso.clientId,
          code_verifier: saved.verifier,
        }),
      });
      const body = await res.json();
      if (!res.ok || !body.access_token) throw new Error(body.error_description || body.error || `HTTP ${res.status}`);
      token = body.access_token;
      sessionStorage.setItem(TOKEN_KEY, token);
      banner(null);
    } catch (err) {
      banner('banner.signInFailed', { message: err.message });
    }
  }
  $('sso-button').addEventListener('click', () => void startSignIn());

  // --- Language: the fixed labels now, and every panel again after a switch ---
  window.CtI18n.apply();
  $('lang').value = window.CtI18n.lang;
  $('lang').addEventListener('change', () => window.CtI18n.setLang($('lang').value));
  window.CtI18n.onChange(() => {
    $('lang').value = window.CtI18n.lang;
    showWho();
    if (bannerText) banner(bannerText.key, bannerText.vars);
    else banner(null);
    $('dlq-page').textContent = t('dlq.page', { n: dlqPages.length });
    refreshFast();
    void refreshSlow();
    if ($('graph').childElementCount) void loadGraph();
  });

  (async () => {
    try {
      const cfg = await (await fetch('/dashboard/sign-in.json')).json();
      if (cfg && cfg.issuer && cfg.clientId) sso = cfg;
    } catch (e) {
      /* no configuration: paste a token */
    }
    if (sso) await finishSignIn();
    showWho();
    if (!token) banner(sso ? 'banner.signInSso' : 'banner.pasteToken');
    refreshFast();
    void refreshSlow();
    setInterval(refreshFast, 2000);
    setInterval(refreshSlow, 10000);
  })();
})();
