'use strict';
// Dead letters panel: the dead letters, newest first, by pages of 50, each replayed with one click
// (ops GET /ops/dlq, POST /ops/dlq/:id/replay), and above them the same reasons grouped, each group
// replayed at once (GET /ops/dlq/groups, POST /ops/dlq/groups/:key/replay).
(function () {
  const { t, num, dateTime } = window.CtI18n;
  const { el, api, failIn, banner, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);

  const replaying = new Set();

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

  $('dlq-older').addEventListener('click', () => {
    if (!dlqNext) return;
    dlqPages.push(dlqNext);
    void loadDlq();
  });
  $('dlq-newer').addEventListener('click', () => {
    if (dlqPages.length > 1) dlqPages.pop();
    void loadDlq();
  });
  window.CtI18n.onChange(() => {
    $('dlq-page').textContent = t('dlq.page', { n: dlqPages.length });
  });

  registerPanel({ fast: loadDlq });
})();
