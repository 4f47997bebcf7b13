'use strict';
// Contact graph panel: a case's contacts in rings by degree, exposures as edges (tracing GET
// /cases/:id/contacts through the edge); drawn on demand, drawn again after a language switch.
(function () {
  const { t, num, dateTime } = window.CtI18n;
  const { el, api } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);

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

  $('graph-form').addEventListener('submit', loadGraph);
  window.CtI18n.onChange(() => {
    if ($('graph').childElementCount) void loadGraph();
  });
})();
