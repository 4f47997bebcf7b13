// Sign-in at the identity provider: authorization code + PKCE (RFC 7636), public client. Used by
// app.js when /dashboard/sign-in.json names an issuer (`sso`: { issuer, clientId }).
(() => {
  const PKCE_KEY = 'ct.pkce';
  const b64url = (bytes) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const randomString = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
  const redirectUri = () => `${location.origin}/`;

  async function discovery(sso) {
    const res = await fetch(`${sso.issuer}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`identity provider answered ${res.status}`);
    return res.json();
  }

  /** Leaves for the identity provider's sign-in page (rejects when it cannot be reached). */
  async function start(sso) {
    const d = await discovery(sso);
    const verifier = randomString();
    const state = randomString();
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: sso.clientId,
      redirect_uri: redirectUri(),
      scope: 'openid',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    location.assign(`${d.authorization_endpoint}?${q}`);
  }

  /**
   * Back from the identity provider with ?code=&state=: trades the code (and the verifier) for a
   * token. Resolves to { token }, to { banner, vars } (a banner key of the dictionaries saying what
   * went wrong), or to null when the page was not opened by the identity provider.
   */
  async function finish(sso) {
    const params = new URLSearchParams(location.search);
    if (!params.has('code') && !params.has('error')) return null;
    history.replaceState(null, '', location.pathname);
    const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
    sessionStorage.removeItem(PKCE_KEY);
    if (params.has('error')) return { banner: 'banner.signInRefused', vars: { error: params.get('error') } };
    if (!saved || saved.state !== params.get('state')) return { banner: 'banner.stateMismatch' };
    try {
      const d = await discovery(sso);
      const res = await fetch(d.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: params.get('code'),
          redirect_uri: redirectUri(),
          client_id: sso.clientId,
          code_verifier: saved.verifier,
        }),
      });
      const body = await res.json();
      if (!res.ok || !body.access_token) throw new Error(body.error_description || body.error || `HTTP ${res.status}`);
      return { token: body.access_token };
    } catch (err) {
      return { banner: 'banner.signInFailed', vars: { message: err.message } };
    }
  }

  window.CtSso = { start, finish };
})();
