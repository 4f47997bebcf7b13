'use strict';
// The ops dashboard: plain JS, no build step, no external URLs. Everything goes through the base
// URL (the edge), with a bearer token kept in sessionStorage only: pasted (local development
// issuer), or obtained from the department's identity provider with the authorization-code flow
// and PKCE (S256) when /dashboard/sign-in.json names an issuer and a client.
(function () {
  const TOKEN_KEY = 'ct.token';
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  // Texts and number/date formats of the chosen language (i18n.js, lang-vi.js, lang-en.js).
  const { t } = window.CtI18n;
  let token = sessionStorage.getItem(TOKEN_KEY) || '';

  function el(tag, attrs, ...children) {
    const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat())
      if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function decode(jwt) {
    try {
      return JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    } catch (e) {
      return null;
    }
  }

  async function api(method, path, body) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let data = text;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      /* not JSON */
    }
    if (!res.ok) {
      const msg = (data && data.message) || res.statusText;
      const err = new Error(`${res.status} ${Array.isArray(msg) ? msg.join('; ') : msg}`);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  // The banner is kept as a text key and its values, so a language switch re-words it.
  let bannerText = null;
  function banner(key, vars) {
    bannerText = key ? { key, vars } : null;
    const b = $('banner');
    b.hidden = !key;
    b.textContent = key ? t(key, vars) : '';
  }

  const KNOWN_ROLES = ['tracer', 'quarantine', 'feed', 'ops', 'admin'];
  let sso = null; // { issuer, clientId } when the identity provider signs users in

  function showWho() {
    const p = token ? decode(token) : null;
    const roles = ((p && p.realm_access && p.realm_access.roles) || (p && p.roles) || []).filter((r) =>
      KNOWN_ROLES.includes(r),
    );
    $('who').textContent = p
      ? `${p.preferred_username || p.sub || t('who.signedIn')} (${roles.join(', ')})`
      : t('who.none');
    $('signout-button').hidden = !token;
    $('token').hidden = !!token || !!sso;
    $('signin-button').hidden = !!token || !!sso;
    $('sso-button').hidden = !!token || !sso;
  }

  function failIn(tbody, cols, err) {
    tbody.replaceChildren(
      el(
        'tr',
        {},
        el('td', {
          colspan: cols,
          class: 'error',
          text: err.status === 401 ? t('error.signIn') : t('error.unavailable', { message: err.message }),
        }),
      ),
    );
  }

  // The areas (GET /stats/areas), once per sign-in: their names label every panel's areas.
  const areaNames = new Map();
  let areaList = null;
  function areas() {
    areaList =
      areaList ||
      api('GET', '/stats/areas').then(({ areas }) => {
        for (const a of areas) areaNames.set(a.code, a.name);
        return areas;
      });
    return areaList;
  }

  // Every panel lives in its own script file (loaded after app.js; README, "Adding a translated
  // panel") and registers { fast?, slow?, withoutToken? } loaders: fast every 2 s, slow every 10 s
  // (after the areas), both again after a language switch; only withoutToken ones before sign-in.
  const panels = [];
  window.CtDashboard = {
    api,
    el,
    failIn,
    /** The banner above the panels: a text key and its values (re-worded on a language switch), or null. */
    banner,
    /** The areas of GET /stats/areas (code, name, level), fetched once per sign-in. */
    areas,
    /** An area's name (GET /stats/areas) with its code: "Phường Tân Thạnh (20290)". */
    areaLabel: (code, name) => `${name || areaNames.get(code) || code} (${code})`,
    registerPanel: (p) => panels.push(p),
  };

  function refreshFast() {
    for (const p of panels) if (p.fast && (token || p.withoutToken)) void p.fast();
  }

  async function refreshSlow() {
    if (!token) return;
    // The panels get this refresh's list (or its error); a failed one is asked for again next time.
    let answered = true;
    await areas().catch(() => (answered = false));
    for (const p of panels) if (p.slow) void p.slow();
    if (!answered) areaList = null;
  }

  $('signin').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('token')
      .value.trim()
      .replace(/^Bearer\s+/i, '');
    if (!t) return;
    token = t;
    sessionStorage.setItem(TOKEN_KEY, t);
    $('token').value = '';
    showWho();
    banner(null);
    refreshFast();
    void refreshSlow();
  });
  $('signout-button').addEventListener('click', () => {
    token = '';
    sessionStorage.removeItem(TOKEN_KEY);
    areaList = null;
    showWho();
    banner('banner.signedOut');
  });

  // --- Sign-in at the identity provider (sso.js): authorization code + PKCE ---
  $('sso-button').addEventListener('click', () =>
    window.CtSso.start(sso).catch((err) => banner('banner.idpUnreachable', { message: err.message })),
  );

  // --- Language: the fixed labels now, and every panel again after a switch ---
  window.CtI18n.apply();
  $('lang').value = window.CtI18n.lang;
  $('lang').addEventListener('change', () => window.CtI18n.setLang($('lang').value));
  window.CtI18n.onChange(() => {
    $('lang').value = window.CtI18n.lang;
    showWho();
    if (bannerText) banner(bannerText.key, bannerText.vars);
    else banner(null);
    refreshFast();
    void refreshSlow();
  });

  (async () => {
    try {
      const cfg = await (await fetch('/dashboard/sign-in.json')).json();
      if (cfg && cfg.issuer && cfg.clientId) sso = cfg;
    } catch (e) {
      /* no configuration: paste a token */
    }
    const back = sso ? await window.CtSso.finish(sso) : null;
    if (back && back.token) {
      token = back.token;
      sessionStorage.setItem(TOKEN_KEY, token);
      banner(null);
    } else if (back) banner(back.banner, back.vars);
    showWho();
    if (!token) banner(sso ? 'banner.signInSso' : 'banner.pasteToken');
    refreshFast();
    void refreshSlow();
    setInterval(refreshFast, 2000);
    setInterval(refreshSlow, 10000);
  })();
})();
