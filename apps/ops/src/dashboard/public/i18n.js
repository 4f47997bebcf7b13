'use strict';
// The dashboard's languages: Vietnamese (default) and English. One dictionary file per language
// (lang-vi.js, lang-en.js) registers its texts with CtI18n.add; the page's fixed labels carry
// data-i18n* attributes and are filled by apply(); code asks t('key', { vars }). Numbers and dates
// go through Intl with vi-VN / en-GB, always in Vietnam's local time (UTC+7). The choice is kept
// per browser (localStorage). No build step: plain script files, loaded before app.js.
(function () {
  const KEY = 'ct.lang';
  const LOCALES = { vi: 'vi-VN', en: 'en-GB' };
  const TIME_ZONE = 'Asia/Ho_Chi_Minh';
  const dictionaries = {};
  const listeners = [];
  let stored = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch (e) {
    /* storage disabled: default language */
  }
  let lang = stored in LOCALES ? stored : 'vi';

  /** A text of the current language; {name} placeholders are filled from vars. English, then the key, when missing. */
  function t(key, vars) {
    const d = dictionaries[lang] || {};
    let s = key in d ? d[key] : (dictionaries.en || {})[key];
    if (s === undefined) {
      console.warn(`i18n: no text for ${key}`);
      return key;
    }
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }

  const num = (n, digits) =>
    typeof n === 'number' && Number.isFinite(n)
      ? new Intl.NumberFormat(
          LOCALES[lang],
          digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits },
        ).format(n)
      : String(n ?? '—');
  const pct = (n, digits = 1) => `${num(n, digits)}%`;
  const parts = { year: 'numeric', month: '2-digit', day: '2-digit' };
  const clock = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
  const formatIn = (iso, opts) =>
    iso ? new Intl.DateTimeFormat(LOCALES[lang], { ...opts, timeZone: TIME_ZONE }).format(new Date(iso)) : '—';
  /** dd/mm/yyyy HH:mm:ss in local time (vi-VN writes the time first). */
  const dateTime = (iso) => formatIn(iso, { ...parts, ...clock });
  const date = (iso) => formatIn(iso, parts);
  const time = (iso) => formatIn(iso, clock);

  /** Fills the fixed labels under root: data-i18n (text), data-i18n-placeholder, -aria-label, -title. */
  function apply(root) {
    const r = root || document;
    if (!root) document.documentElement.lang = lang;
    for (const node of r.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const [attr, data] of [
      ['placeholder', 'i18nPlaceholder'],
      ['aria-label', 'i18nAriaLabel'],
      ['title', 'i18nTitle'],
    ])
      for (const node of r.querySelectorAll(`[data-i18n-${attr}]`)) node.setAttribute(attr, t(node.dataset[data]));
  }

  function setLang(next) {
    if (!(next in LOCALES) || next === lang) return;
    lang = next;
    try {
      localStorage.setItem(KEY, next);
    } catch (e) {
      /* not kept */
    }
    apply();
    for (const f of listeners) f(lang);
  }

  window.CtI18n = {
    add: (l, texts) => {
      dictionaries[l] = Object.assign(dictionaries[l] || {}, texts);
    },
    dictionaries,
    get lang() {
      return lang;
    },
    languages: Object.keys(LOCALES),
    t,
    num,
    pct,
    date,
    dateTime,
    time,
    apply,
    setLang,
    /** Calls f(lang) after every switch: a panel re-renders what it drew with t() and the formatters. */
    onChange: (f) => listeners.push(f),
  };
})();
