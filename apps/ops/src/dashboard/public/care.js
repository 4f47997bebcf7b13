'use strict';
// Care panel (issue 16): people isolated at home / in treatment facilities per area, people waiting
// for a bed, beds free in the area's facilities (FacilityBedsChanged) and today's follow-ups (ops
// GET /stats/care, fed by care.v1), and the treatment
// facilities' beds (quarantine GET /care/facilities: capacity, occupied, free).
(function () {
  const { t, num, date } = window.CtI18n;
  const { el, api, failIn, areaLabel, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);
  const FIGURES = [
    'isolatedAtHome',
    'isolatedInFacilities',
    'waitingForBed',
    'bedsFree',
    'done',
    'unreachable',
    'missed',
    'lost',
  ];
  const ALARMING = ['waitingForBed', 'missed', 'lost'];
  const cell = (name, value) =>
    el('td', {
      class: `num ${name}${ALARMING.includes(name) && value > 0 ? ' bad' : ''}`,
      'data-value': value,
      text: num(value),
    });

  async function loadCareAreas() {
    const tbody = $('care-areas').tBodies[0];
    try {
      // Today in Vietnam (UTC+7), the day follow-ups are due on (the route's default is the UTC day).
      const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
      const { day, areas } = await api('GET', `/stats/care?day=${today}`);
      $('care-day').textContent = t('care.day', { day: date(`${day}T12:00:00+07:00`) });
      if (areas.length === 0) {
        tbody.replaceChildren(el('tr', {}, el('td', { colspan: 9, class: 'muted', text: t('care.none') })));
        return;
      }
      tbody.replaceChildren(
        ...areas.map((a) =>
          el(
            'tr',
            { 'data-area': a.areaCode },
            el('td', { text: areaLabel(a.areaCode) }),
            FIGURES.map((f) => cell(f, a[f] ?? 0)),
          ),
        ),
      );
    } catch (err) {
      $('care-day').textContent = '';
      failIn(tbody, 9, err);
    }
  }

  async function loadBeds() {
    const tbody = $('care-beds').tBodies[0];
    try {
      const { items, waiting } = await api('GET', '/care/facilities');
      $('care-waiting').textContent = t('care.waiting', { n: num(waiting) });
      $('care-waiting').dataset.value = waiting;
      if (items.length === 0) {
        tbody.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: t('care.noFacilities') })));
        return;
      }
      tbody.replaceChildren(
        ...items.map((f) =>
          el(
            'tr',
            { 'data-facility': f.id, class: f.free === 0 ? 'full' : '' },
            el('td', { text: f.name || f.id }),
            el('td', { text: areaLabel(f.areaCode) }),
            cell('capacity', f.capacity),
            cell('occupied', f.occupied),
            cell('free', f.free),
          ),
        ),
      );
    } catch (err) {
      $('care-waiting').textContent = '';
      failIn(tbody, 5, err);
    }
  }

  registerPanel({ slow: () => Promise.all([loadCareAreas(), loadBeds()]) });
})();
