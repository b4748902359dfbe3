// A minimal browser for login flows: a cookie jar per host (ports share cookies, as in browsers), redirects followed one by one and
// HTML forms submitted with their hidden fields. It runs no script; a test reads what the page's
// script would have fetched and fetches it.
export interface Page {
  url: string;
  status: number;
  html: string;
}

const MAX_REDIRECTS = 20;

export class Browser {
  readonly jar = new Map<string, Map<string, string>>();

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  #store(url: URL, response: Response): void {
    const cookies = this.jar.get(url.hostname) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(url.hostname, cookies);
  }

  async #send(url: URL, init: RequestInit): Promise<Response> {
    const cookies = [...(this.jar.get(url.hostname) ?? new Map()).entries()];
    const headers = new Headers(init.headers);
    if (cookies.length > 0) headers.set('Cookie', cookies.map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.#store(url, response);
    return response;
  }

  /** When set, a redirect to a URL that matches is not followed: the page is that redirect. */
  stopBefore: RegExp | null = null;

  /** Requests `url`, following redirects like a browser (a 303 or 302 after a POST turns GET). */
  async open(url: string, init: RequestInit = {}): Promise<Page> {
    let current = new URL(url);
    let request = init;
    for (let i = 0; i < MAX_REDIRECTS; i++) {
      const response = await this.#send(current, request);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        current = new URL(location, current);
        if (this.stopBefore?.test(current.href)) {
          return { url: current.href, status: response.status, html: '' };
        }
        request = {};
        continue;
      }
      return { url: current.href, status: response.status, html: await response.text() };
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
  }

  /** Submits the page's first form whose fields include `match`, adding `fields`. */
  async submit(page: Page, fields: Record<string, string>, match = ''): Promise<Page> {
    const forms = [...page.html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) => f[2]!.includes(match));
    if (!form) throw new Error(`no form with ${match} on ${page.url}:\n${page.html}`);
    const action = /action="([^"]*)"/.exec(form[1]!)?.[1] ?? page.url;
    const body = new URLSearchParams();
    for (const input of form[2]!.matchAll(/<input([^>]*)>/g)) {
      const attrs = input[1]!;
      const name = /name="([^"]*)"/.exec(attrs)?.[1];
      const value = /value="([^"]*)"/.exec(attrs)?.[1] ?? '';
      if (name && /type="hidden"/.test(attrs)) body.set(name, value);
    }
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    return this.open(new URL(action.replaceAll('&amp;', '&'), page.url).href, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }
}
