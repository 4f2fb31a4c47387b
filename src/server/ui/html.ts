/** HTML by escaped templates: every interpolated value goes through `esc` unless it is `Html` built here. */

export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Tagged template: strings as written, values escaped, `Html` and arrays of `Html` inserted as they are. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return esc(v);
}

export interface PageUser {
  name: string;
  role: string;
  csrf?: string;
}

export function page(title: string, user: PageUser | undefined, body: Html): string {
  const nav =
    user === undefined
      ? html`<a href="/login">Sign in</a>`
      : html`<a href="/">Models</a> <a href="/upload">Upload</a>
          <form method="post" action="/logout" class="inline">
            <input type="hidden" name="_csrf" value="${user.csrf ?? ''}" />
            <span class="who">${user.name} (${user.role})</span> <button type="submit">Sign out</button>
          </form>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · modelguard registry</title>
        <link rel="stylesheet" href="/assets/style.css" />
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <strong>modelguard registry</strong>
          <nav aria-label="main">${nav}</nav>
        </header>
        <main id="main">${body}</main>
      </body>
    </html>`.text;
}

const BADGE_TEXT: Record<string, string> = {
  published: 'published',
  quarantined: 'quarantined',
  held: 'held for review',
  queued: 'queued',
  processing: 'processing',
  clean: 'clean',
  suspicious: 'suspicious',
  malicious: 'malicious',
  unscannable: 'unscannable',
  blobmissing: 'blob missing: not served',
};

export function badge(state: string): Html {
  return html`<span class="badge badge-${state.replace(/[^a-z]/g, '')}">${BADGE_TEXT[state] ?? state}</span>`;
}
