'use strict';
// Topics panel: every topic's events in total and in the last minute, with a sparkline (ops GET
// /ops/topics); a topic's name opens its latest events, headers and payload (GET /ops/topics/:topic/events).
(function () {
  const { t, num, dateTime, time } = window.CtI18n;
  const { el, api, failIn, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);

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

  $('events-close').addEventListener('click', () => {
    eventsTopic = null;
    $('events').hidden = true;
  });

  registerPanel({ fast: () => Promise.all([loadTopics(), loadEvents()]) });
})();
