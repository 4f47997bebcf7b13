'use strict';
// Health panel: each service's readiness from the edge's aggregate GET /health (public: shown before
// sign-in too).
(function () {
  const { t } = window.CtI18n;
  const { el, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);

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

  registerPanel({ fast: loadHealth, withoutToken: true });
})();
