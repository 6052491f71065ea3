import { parse, type HTMLElement } from 'node-html-parser';

/**
 * A captive mini-browser without script and without cookies: it follows redirects the way browsers
 * do (303 and 302 become GET, 307 re-sends the same POST) and submits the forms it is given.
 */
export interface Page {
  url: string;
  status: number;
  headers: Headers;
  html: string;
  document: HTMLElement;
}

export interface Hop {
  method: string;
  url: string;
  status: number;
  body?: string;
}

export const iphoneCaptiveUserAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

export class TestBrowser {
  readonly hops: Hop[] = [];

  constructor(private readonly userAgent = iphoneCaptiveUserAgent) {}

  async open(url: string): Promise<Page> {
    return this.request('GET', url);
  }

  async request(method: string, url: string, body?: string, allowedHosts?: Set<string>): Promise<Page> {
    for (let redirects = 0; redirects < 10; redirects++) {
      const host = new URL(url).host;
      if (allowedHosts && !allowedHosts.has(host)) {
        // Off the test network (the venue website): record where the guest ended, fetch nothing.
        this.hops.push({ method, url, status: 0, body });
        return { url, status: 0, headers: new Headers(), html: '', document: parse('') };
      }
      const response = await fetch(url, {
        method,
        redirect: 'manual',
        headers: { 'user-agent': this.userAgent, ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body,
      });
      this.hops.push({ method, url, status: response.status, body });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        url = new URL(location, url).href;
        if (response.status !== 307 && response.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      const html = await response.text();
      return { url, status: response.status, headers: response.headers, html, document: parse(html) };
    }
    throw new Error('too many redirects');
  }

  /** Submits a form as a browser does, with the clicked button's name=value if it has one. */
  async submit(page: Page, selector = 'form', clicked?: HTMLElement | null, allowedHosts?: Set<string>): Promise<Page> {
    const form = page.document.querySelector(selector);
    if (!form) throw new Error(`no form ${selector} on ${page.url}`);
    const fields = new URLSearchParams();
    for (const input of form.querySelectorAll('input')) {
      const name = input.getAttribute('name');
      if (name && ['hidden', 'text', undefined].includes(input.getAttribute('type'))) fields.append(name, input.getAttribute('value') ?? '');
    }
    const clickedName = clicked?.getAttribute('name');
    if (clicked && clickedName) fields.append(clickedName, clicked.getAttribute('value') ?? '');
    const action = new URL(form.getAttribute('action') ?? page.url, page.url);
    const method = (form.getAttribute('method') ?? 'get').toUpperCase();
    if (method === 'GET') {
      action.search = fields.toString();
      return this.request('GET', action.href, undefined, allowedHosts);
    }
    return this.request('POST', action.href, fields.toString(), allowedHosts);
  }
}
