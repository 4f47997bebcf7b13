'use strict';
// Screening & arrivals panel (issue 18): per area this week's screening coverage and yield, arrivals
// by the level of their origin and what was decided, and the rule in force (quarantine
// GET /stats/committee), beside the declared and the assessed epidemic level (ops GET /areas/levels).
(function () {
  const { t, num, pct, date } = window.CtI18n;
  const { el, api, failIn, areaLabel, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);
  const COLS = 7;

  const level = (l, cls) =>
    l
      ? el('span', { class: `level level-${l} ${cls}`, 'data-value': l, text: `${l} · ${t(`levels.name.${l}`)}` })
      : '—';

  const regimen = (r) =>
    r.testDays && r.testDays.length
      ? t('screen.regimen', { days: num(r.days), tests: r.testDays.map((d) => num(d)).join(', ') })
      : t('screen.regimenNoTest', { days: num(r.days) });

  /** The rule by level in force, worded from its fields (the API's `name` is English). */
  function ruleText(r) {
    const head = r.level
      ? t(r.source === 'DECLARED' ? 'screen.rule.declared' : 'screen.rule.assessed', {
          level: r.level,
          area: r.levelAreaCode,
          since: date(r.since),
        })
      : t('screen.rule.default');
    const parts = [
      t('screen.rule.unvaccinated', { regimen: regimen(r.unvaccinated) }),
      t('screen.rule.protected', { regimen: regimen(r.protected) }),
      r.homeQuarantine ? t('screen.rule.home') : t('screen.rule.noHome'),
    ];
    return `${head}: ${parts.join('; ')}`;
  }

  function screeningCell(s) {
    if (!s.due) return el('td', { class: 'coverage muted', 'data-value': '', text: t('screen.noScreening') });
    return el('td', {
      class: 'coverage',
      'data-value': s.coverage,
      text: t('screen.coverage', { pct: pct(s.coverage * 100, 0), tested: num(s.tested), due: num(s.due) }),
    });
  }

  function arrivalsCell(a) {
    if (!a.total) return el('td', { class: 'arrivals muted', 'data-value': 0, text: t('screen.noArrivals') });
    const by = ['1', '2', '3', '4']
      .filter((l) => a.byOriginLevel[l])
      .map((l) => t('screen.fromLevel', { level: l, n: num(a.byOriginLevel[l]) }));
    if (a.byOriginLevel.unknown) by.push(t('screen.fromUnknown', { n: num(a.byOriginLevel.unknown) }));
    return el('td', { class: 'arrivals', 'data-value': a.total }, `${num(a.total)} (${by.join(' · ')})`);
  }

  function decidedCell(a) {
    const d = a.byAction || {};
    return el('td', {
      class: 'decided muted',
      'data-quarantine': d.QUARANTINE || 0,
      'data-follow-up': d.FOLLOW_UP || 0,
      text: a.total
        ? t('screen.decided', {
            quarantine: num(d.QUARANTINE || 0),
            followUp: num(d.FOLLOW_UP || 0),
            none: num(d.NONE || 0),
          })
        : '—',
    });
  }

  async function loadScreening() {
    const tbody = $('screening').tBodies[0];
    try {
      // The levels are ops' (declared, assessed); without them the committee's figures still show.
      const [{ areas }, levels] = await Promise.all([
        api('GET', '/stats/committee'),
        api('GET', '/areas/levels').then(
          (r) => new Map(r.levels.map((l) => [l.areaCode, l])),
          () => new Map(),
        ),
      ]);
      $('screening-week').textContent = areas.length
        ? t('screen.week', { day: date(`${areas[0].weekStart}T12:00:00+07:00`) })
        : '';
      if (areas.length === 0) {
        tbody.replaceChildren(el('tr', {}, el('td', { colspan: COLS, class: 'muted', text: t('screen.none') })));
        return;
      }
      tbody.replaceChildren(
        ...areas.map((a) => {
          const l = levels.get(a.areaCode);
          return el(
            'tr',
            { 'data-area': a.areaCode },
            el('td', { text: areaLabel(a.areaCode, a.name) }),
            el(
              'td',
              { class: 'levels' },
              t('screen.declared'),
              ' ',
              level(l && l.declared && l.declared.level, 'declared'),
              el('br'),
              t('screen.assessed'),
              ' ',
              level(l && l.level, 'assessed'),
            ),
            el('td', { class: 'rule muted', 'data-level': a.rule.level || '', text: ruleText(a.rule) }),
            screeningCell(a.screening),
            el('td', {
              class: 'num yield',
              'data-value': a.screening.yieldPer1000 ?? '',
              text: a.screening.yieldPer1000 === null ? '—' : num(a.screening.yieldPer1000, 1),
            }),
            arrivalsCell(a.arrivals),
            decidedCell(a.arrivals),
          );
        }),
      );
    } catch (err) {
      $('screening-week').textContent = '';
      failIn(tbody, COLS, err);
    }
  }

  registerPanel({ slow: loadScreening });
})();
