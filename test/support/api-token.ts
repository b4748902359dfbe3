// An access token for a local user, from the password grant `fly login` makes (client `fly`), for
// tests and benchmarks that call the API directly.
export async function apiToken(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/sky/issuer/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('fly:Zmx5').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'password',
      username,
      password,
      scope: 'openid profile email federated:id groups',
    }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
