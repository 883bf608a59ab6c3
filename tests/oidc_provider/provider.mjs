// A real OpenID Connect provider for the single sign-on tests: panva's oidc-provider (OpenID certified), on
// loopback. Started by tests/browser/sso_servers.py with a JSON configuration in OIDC_TEST_CONFIG:
//   {"port": 0, "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//    "accounts": {"<login>": {"claims": {email, email_verified, name, groups}, "amr": ["pwd", "mfa"],
//                              "tamper": null | "signature" | "aud" | "iss"}}}
// Prints "listening <issuer>" when ready. The sign-in page asks for the login and a password (any password).
// "tamper" makes the token endpoint hand that account's ID token out altered, so the tests show that the
// portal's own checks run: "signature" signs it with a key the provider's JWKS does not publish (same kid),
// "aud" and "iss" sign it properly with the provider's key but for another client or as another issuer.
import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const { privateKey: foreignKey } = await jose.generateKeyPair('RS256', { extractable: true });

const server = http.createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((c) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...c,
  })),
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['test-only-cookie-key'] },
  // amr (RFC 8176) with the openid scope, so every ID token says how the person signed in.
  claims: {
    acr: null,
    auth_time: null,
    iss: null,
    sid: null,
    openid: ['sub', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // Sign out without a confirmation page: the provider's form is submitted at once, answering "yes, end my
      // whole session here" (logout=yes), as a person would on a real provider's page.
      logoutSource: async (ctx, form) => {
        const yes = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
        ctx.body = `<!DOCTYPE html><html><body>${yes}<script>document.forms[0].submit()</script></body></html>`;
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = '<!DOCTYPE html><html><body><h1>Signed out at the provider</h1></body></html>';
      },
    },
  },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  // Consent is the organisation's business, not the test's: every requested scope is granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
});

// Re-issue an account's ID token altered, as described at the top.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body || !ctx.body.id_token) return;
  const payload = jose.decodeJwt(ctx.body.id_token);
  const tamper = (config.accounts[payload.sub] || {}).tamper;
  if (!tamper) return;
  const claims = { ...payload };
  let key = privateKey;
  if (tamper === 'signature') key = foreignKey;
  if (tamper === 'aud') claims.aud = 'another-client';
  if (tamper === 'iss') claims.iss = 'http://127.0.0.1:9/another-issuer';
  ctx.body = {
    ...ctx.body,
    id_token: await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key),
  };
});

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const page = (uid, error = '') => `<!DOCTYPE html><html lang="en"><head><title>Test provider sign-in</title></head>
<body><h1>Test identity provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Login</label> <input id="login" name="login" autofocus>
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in at the provider</button></form></body></html>`;

const callback = provider.callback();
server.on('request', async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(page(details.uid));
    }
    const form = await readForm(req);
    const account = config.accounts[form.get('login')];
    if (!account) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(page(details.uid, 'Unknown login'));
    }
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: form.get('login'), amr: account.amr || ['pwd'] } },
      { mergeWithLastSubmission: false },
    );
  } catch (err) {
    res.statusCode = 500;
    return res.end(String(err));
  }
});

console.log(`listening ${issuer}`);
