// A whole browser login through the OpenID provider, started the way `fly login` starts it.
import { Browser } from './browser.ts';
import { startFlyListener } from './fly-listener.ts';

export interface BrowserLogin {
  browser: Browser;
  /** The `<type> <value>` token fly's listener received. */
  flyToken: string;
  accessToken: string;
}

const BOUND_MS = 30_000;

/** Logs `account` in through web `startUrl`'s login page and the provider's forms. */
export async function loginThroughProvider(
  startUrl: string,
  account: string,
): Promise<BrowserLogin> {
  const listener = await startFlyListener();
  try {
    const browser = new Browser();
    const choose = await browser.open(`${startUrl}/login?fly_port=${listener.port}`);
    const link = /href="(\/sky\/login\/oidc[^"]*)"/.exec(choose.html)?.[1];
    if (!link) throw new Error(`no OIDC login link on the login page:\n${choose.html}`);

    const providerLogin = await browser.open(new URL(link.replaceAll('&amp;', '&'), startUrl).href);
    const consent = await browser.submit(
      providerLogin,
      { login: account, password: 'any' },
      'name="login"',
    );
    const success = await browser.submit(consent, {}, 'value="consent"');
    if (success.status !== 200 || !success.url.includes('/fly_success')) {
      throw new Error(`login ended at ${success.url} (${success.status}):\n${success.html}`);
    }

    // What the page's script does: hand the token to fly's listener.
    const target = /fetch\(("[^"]+")/.exec(success.html)?.[1];
    if (!target) throw new Error(`no hand-off to fly on the success page:\n${success.html}`);
    await fetch(JSON.parse(target) as string, { signal: AbortSignal.timeout(BOUND_MS) });
    const flyToken = await listener.token;
    return { browser, flyToken, accessToken: flyToken.split(' ')[1]! };
  } finally {
    listener.close();
  }
}
