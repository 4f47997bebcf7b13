'use strict';
// Consumer lag panel: each consumer group's lag per topic, and the partitions whose committed offset
// stands still while they lag (ops GET /ops/lag).
(function () {
  const { t, num } = window.CtI18n;
  const { el, api, failIn, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);

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

  registerPanel({ fast: loadLag });
})();
