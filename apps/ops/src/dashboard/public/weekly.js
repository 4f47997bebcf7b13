'use strict';
// Weekly cases panel: an area's cases per week over 8 weeks, community cases apart, as a sentence and
// a bar chart (ops GET /stats/weekly); the areas to choose from are the shell's (GET /stats/areas).
(function () {
  const { t, num } = window.CtI18n;
  const { weeklyPhrase } = window.CtFigures;
  const { el, api, areas, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);

  // The area list the selector shows (a new one after each sign-in).
  let shown = null;
  async function loadAreas() {
    let list;
    try {
      list = await areas();
    } catch (err) {
      $('weekly-text').textContent =
        err.status === 401 ? t('weekly.signIn') : t('error.unavailable', { message: err.message });
      return;
    }
    if (list === shown) return;
    const depth = (a) => (a.level === 'province' ? 0 : a.level === 'district' ? 1 : 2);
    $('area').replaceChildren(
      ...list.map((a) =>
        el('option', { value: a.code, text: `${'\u00a0\u00a0'.repeat(depth(a))}${a.name} (${a.code})` }),
      ),
    );
    shown = list;
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

  $('area').addEventListener('change', loadWeekly);
  registerPanel({
    slow: async () => {
      await loadAreas();
      await loadWeekly();
    },
  });
})();
