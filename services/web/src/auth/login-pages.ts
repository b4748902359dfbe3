// The two small HTML pages of the browser login flow for `fly login` without a password.
function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

export interface ConnectorLink {
  id: string;
  displayName: string;
}

export function loginPage(
  flyPort: string,
  error: string,
  connectors: ConnectorLink[] = [],
): string {
  const query = /^\d+$/.test(flyPort) ? `?fly_port=${flyPort}` : '';
  const links = connectors
    .map(
      (c) =>
        `<p><a href="/sky/login/${encodeURIComponent(c.id)}${query}">Log in with ${escapeHtml(c.displayName)}</a></p>`,
    )
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>JetBridge login</title></head>
<body>
<h1>Log in to JetBridge</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
${links}
<form method="post" action="/login">
<input type="hidden" name="fly_port" value="${escapeHtml(flyPort)}">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Log in</button>
</form>
</body></html>
`;
}

/** Sends the token to fly's listener on 127.0.0.1 and shows it for pasting if that fails. */
export function flySuccessPage(flyPort: number, token: string): string {
  const target = `http://127.0.0.1:${flyPort}/?token=${encodeURIComponent(token)}`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>JetBridge login</title></head>
<body>
<h1>Login successful</h1>
<p>Handing the token to fly. If fly still waits, paste this token into it:</p>
<pre>${escapeHtml(token)}</pre>
<script>fetch(${JSON.stringify(target)}, { mode: 'no-cors' }).then(
  () => { document.querySelector('h1').textContent = 'Login successful: you may close this tab'; },
  () => {});</script>
</body></html>
`;
}
