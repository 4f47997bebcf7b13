'use strict';
// Notifications panel (issue 17): the last hour's notifications per channel (sent, failed; now
// retrying and pending) and the latest failures (cases GET /notifications/summary; never an
// address or a text, a person id only for tracers).
(function () {
  const { t, num, time, dateTime } = window.CtI18n;
  const { el, api, failIn, registerPanel } = window.CtDashboard;
  const $ = (id) => document.getElementById(id);
  const FIGURES = ['sent', 'failed', 'retrying', 'pending'];
  const channelName = (c) =>
    c === 'SMS'
      ? t('notif.channel.sms')
      : c === 'EMAIL'
        ? t('notif.channel.email')
        : c === 'APP'
          ? t('notif.channel.app')
          : c;
  const cell = (name, value) =>
    el('td', {
      class: `num ${name}${name === 'failed' && value > 0 ? ' bad' : ''}`,
      'data-value': value,
      text: num(value),
    });

  async function loadNotifications() {
    const channels = $('notif-channels').tBodies[0];
    const failures = $('notif-failures').tBodies[0];
    try {
      const summary = await api('GET', '/notifications/summary');
      $('notif-period').textContent = t('notif.period', { from: time(summary.from), to: time(summary.to) });
      channels.replaceChildren(
        ...Object.entries(summary.channels).map(([c, f]) =>
          el(
            'tr',
            { 'data-channel': c },
            el('td', { text: channelName(c) }),
            FIGURES.map((k) => cell(k, f[k] ?? 0)),
          ),
        ),
      );
      if (summary.failures.length === 0) {
        failures.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: t('notif.noFailures') })));
        return;
      }
      failures.replaceChildren(
        ...summary.failures.map((f) =>
          el(
            'tr',
            { 'data-notification': f.notificationId, 'data-channel': f.channel },
            el('td', { class: 'muted when', 'data-at': f.failedAt, text: dateTime(f.failedAt) }),
            el('td', { text: channelName(f.channel) }),
            el('td', { class: 'template', text: f.template }),
            el('td', { class: 'reason', text: f.reason || '—' }),
            el('td', { class: 'num attempts', 'data-value': f.attempts, text: num(f.attempts) }),
          ),
        ),
      );
    } catch (err) {
      $('notif-period').textContent = '';
      failIn(channels, 5, err);
      failures.replaceChildren();
    }
  }

  registerPanel({ slow: loadNotifications });
})();
