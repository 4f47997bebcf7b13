'use strict';
// Figures worded in the chosen language from the API's structured fields (the API answers in
// English: `text`, `reasons`). Shared by the panels of app.js; a new panel's wording goes here too.
(function () {
  const { t, num, pct } = window.CtI18n;

  /** "320 cases this week, down 34.1%" in the chosen language (the API's `text` is English). */
  function weeklyPhrase(w) {
    const cases = t(w.count === 1 ? 'weekly.case' : 'weekly.cases', { n: num(w.count) });
    if (w.changePct === null || w.changePct === undefined) return t('weekly.noneBefore', { cases });
    if (w.changePct === 0) return t('weekly.unchanged', { cases });
    return t(w.changePct < 0 ? 'weekly.down' : 'weekly.up', { cases, pct: pct(Math.abs(w.changePct)) });
  }

  /** The level's reasons in the chosen language, from the API's factors (older answers: its English reasons). */
  function levelReasons(l) {
    if (!Array.isArray(l.factors)) return l.reasons.join('; ');
    const p = (x) => pct(x, Number.isInteger(x) ? 0 : 1);
    return l.factors
      .map((f) => {
        switch (f.kind) {
          case 'case_rate':
            return t('levels.reason.rate', { rate: num(f.casesPer100k, 1), level: f.level });
          case 'coverage_unknown':
            return t('levels.reason.coverageUnknown');
          case 'coverage_low': {
            const parts = [];
            if (f.adultsOneDose)
              parts.push(t('levels.reason.adults', { pct: p(f.adultsOneDose.pct), min: p(f.adultsOneDose.min) }));
            if (f.over50FullyVaccinated)
              parts.push(
                t('levels.reason.over50', {
                  pct: p(f.over50FullyVaccinated.pct),
                  min: p(f.over50FullyVaccinated.min),
                }),
              );
            return t('levels.reason.coverageLow', { parts: parts.join('; ') });
          }
          case 'treatment_exceeded':
            return t('levels.reason.treatment', { pct: p(f.occupancyPct), max: p(f.maxPct) });
          default:
            return '';
        }
      })
      .filter(Boolean)
      .join('; ');
  }

  window.CtFigures = { weeklyPhrase, levelReasons };
})();
