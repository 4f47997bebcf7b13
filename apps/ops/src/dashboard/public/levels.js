'use strict';
// Epidemic levels panel: each area's level (1–4) with its cases per 100,000 and the reasons, rebuilt
// from the structured factors in the chosen language (ops GET /areas/levels).
(function () {
  const { t, num } = window.CtI18n;
  const { levelReasons } = window.CtFigures;
  const { el, api, failIn, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);

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

  registerPanel({ slow: loadLevels });
})();
