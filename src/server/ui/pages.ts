/** The UI's pages, rendered on the server: the model list, a model page, sign-in and upload. */
import type { Artifact, ModelSummary, Revision, Step } from '../store/artifacts.js';
import type { ExplainedFile } from '../pipeline/explain.js';
import { badge, html, page, type Html, type PageUser } from './html.js';
import { rescanSection } from './rescans.js';

export function loginPage(error?: string): string {
  return page(
    'Sign in',
    undefined,
    html`<h1>Sign in</h1>
      ${error === undefined ? '' : html`<p class="error" role="alert">${error}</p>`}
      <form method="post" action="/login" class="stack">
        <label for="name">User name</label>
        <input id="name" name="name" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>`,
  );
}

export function listPage(user: PageUser, models: readonly ModelSummary[]): string {
  const rows = models.map(
    (m) =>
      html`<tr>
        <td><a href="/m/${m.org}/${m.model}">${m.org}/${m.model}</a></td>
        <td>${m.latest.filename}</td>
        <td>${badge(m.latest.state)} ${m.latest.blobMissing !== null && badge('blobmissing')}</td>
        <td>${m.latest.verdict === null ? '—' : badge(m.latest.verdict)}</td>
        <td>${m.artifacts}</td>
      </tr>`,
  );
  return page(
    'Models',
    user,
    html`<h1>Models</h1>
      ${
        models.length === 0
          ? html`<p>No models yet. <a href="/upload">Upload one</a>.</p>`
          : html`<table>
              <caption>
                Latest upload of each model
              </caption>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Latest file</th>
                  <th scope="col">State</th>
                  <th scope="col">Scan verdict</th>
                  <th scope="col">Uploads</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }`,
  );
}

export function uploadPage(user: PageUser): string {
  return page(
    'Upload',
    user,
    html`<h1>Upload a model file</h1>
      <p>Every upload is held in quarantine, scanned, converted to safetensors when it carries code, signed and only then published.</p>
      <form id="upload" class="stack" data-csrf="${user.csrf ?? ''}">
        <label for="org">Organisation</label>
        <input id="org" name="org" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]*" value="${user.name}" />
        <label for="model">Model</label>
        <input id="model" name="model" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]*" />
        <label for="file">File</label>
        <input id="file" name="file" type="file" required />
        <button type="submit">Upload</button>
        <progress id="progress" max="100" value="0" aria-label="upload progress" hidden></progress>
        <p id="status" role="status" aria-live="polite"></p>
      </form>`,
  );
}

function where(f: { member?: string[]; offset?: number }): string {
  const parts: string[] = [];
  if (f.member !== undefined) parts.push(f.member.join(' › '));
  if (f.offset !== undefined) parts.push(`offset ${f.offset}`);
  return parts.length === 0 ? 'whole file' : parts.join(', ');
}

function findingsTable(files: readonly ExplainedFile[]): Html {
  return html`${files.map(
    (f) =>
      html`<section class="file" aria-label="findings in ${f.path}">
        <h4>${f.path} <small>${f.format}, ${f.kind}</small> ${badge(f.verdict)}</h4>
        <p>${f.reason}</p>
        ${
          f.findings.length === 0
            ? ''
            : html`<table class="findings">
                <thead>
                  <tr>
                    <th scope="col">Severity</th>
                    <th scope="col">Technique</th>
                    <th scope="col">Where</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  ${f.findings.map(
                    (x) =>
                      html`<tr>
                        <td>${badge(x.severity)}</td>
                        <td><code>${x.rule}</code><br />${x.technique}</td>
                        <td>${where(x)}</td>
                        <td>${x.message}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
        ${f.omitted > 0 ? html`<p>${f.omitted} more findings not shown.</p>` : ''}
      </section>`,
  )}`;
}

function stepList(steps: readonly Step[]): Html {
  return html`<ol class="steps">
    ${steps.map((s) => html`<li><strong>${s.step}</strong>: ${s.status} <time datetime="${s.at}">${s.at.replace('T', ' ').slice(0, 19)}</time></li>`)}
  </ol>`;
}

export interface ArtifactView {
  artifact: Artifact;
  steps: Step[];
  revision: Revision | undefined;
  attestation: string | undefined;
}

function artifactSection(user: PageUser, v: ArtifactView): Html {
  const a = v.artifact;
  const report = (a.report ?? []) as ExplainedFile[];
  const conv = v.steps.filter((s) => s.step === 'convert').at(-1);
  const sign = v.steps.filter((s) => s.step === 'sign').at(-1);
  const pending = a.state === 'queued' || a.state === 'processing';
  const canOverride = a.state === 'held' && (user.role === 'reviewer' || user.role === 'admin');
  return html`<article class="artifact state-${a.state}" id="artifact-${a.id}" data-artifact="${a.id}" data-pending="${pending ? 'yes' : 'no'}">
    <h2>${a.filename} ${badge(a.state)} ${a.blobMissing !== null && badge('blobmissing')}</h2>
    <p class="reason" data-testid="reason">${a.reason}</p>
    ${
      a.blobMissing !== null &&
      html`<p class="reason" data-testid="blob-missing">
        Missing from the blob store since ${a.blobMissing.at} (found by the ${a.blobMissing.by}): ${a.blobMissing.digests.map((d) => html`<code>${d}</code> `)}.
        Upload the same file again to restore it.
      </p>`
    }
    ${
      a.retired !== null &&
      html`<p class="reason" data-testid="retired">
        Revision <code>${a.retired.rev}</code> was dropped on ${a.retired.at} by the retention policy (newest ${a.retired.keep} kept); it is no longer served.
      </p>`
    }
    <dl>
      <dt>Uploaded</dt>
      <dd>by ${a.uploadedBy}, ${a.size} bytes, sha256 <code>${a.sha256}</code></dd>
      <dt>Scan</dt>
      <dd>${a.verdict === null ? 'not yet' : badge(a.verdict)} ${a.engine ?? ''}</dd>
      <dt>Conversion</dt>
      <dd data-testid="conversion">
        ${conv === undefined ? 'not yet' : html`${conv.status}${typeof conv.evidence['to'] === 'string' ? html` → <code>${conv.evidence['to']}</code>` : ''}`}
      </dd>
      <dt>Signature</dt>
      <dd data-testid="signature">${sign === undefined ? 'not signed' : html`signed (OpenSSF Model Signing bundle, registry key) with a scan attestation`}</dd>
      ${
        a.override === null
          ? ''
          : html`<dt>Reviewer override</dt>
              <dd>by ${a.override.by}: ${a.override.reason}</dd>`
      }
    </dl>
    ${
      v.revision === undefined
        ? ''
        : html`<h3>Published files, revision <code>${v.revision.rev.slice(0, 12)}</code></h3>
            <ul class="files">
              ${v.revision.files.map(
                (f) => html`<li><a href="/${a.org}/${a.model}/resolve/${v.revision?.rev ?? ''}/${f.name}" download>${f.name}</a> (${f.size} bytes)</li>`,
              )}
            </ul>
            <p>
              Check it: <code>modelguard verify key DIR --public-key registry.pub --require-clean-scan</code> with the
              <a href="/api/registry-key.pem">registry key</a>.
            </p>`
    }
    ${
      report.length === 0
        ? ''
        : html`<h3>Findings</h3>
            ${findingsTable(report)}`
    }
    ${
      canOverride
        ? html`<form method="post" action="/artifacts/${a.id}/override" class="stack">
            <input type="hidden" name="_csrf" value="${user.csrf ?? ''}" />
            <label for="reason-${a.id}">Reason for releasing this suspicious file</label>
            <input id="reason-${a.id}" name="reason" required minlength="10" />
            <button type="submit">Release after review</button>
          </form>`
        : ''
    }
    ${rescanSection(v.steps)}
    <details>
      <summary>Pipeline steps</summary>
      ${stepList(v.steps)}
    </details>
    ${
      v.attestation === undefined
        ? ''
        : html`<details>
            <summary>Scan attestation (in-toto statement, DSSE)</summary>
            <pre>${v.attestation}</pre>
          </details>`
    }
  </article>`;
}

export function modelPage(user: PageUser, org: string, model: string, views: readonly ArtifactView[]): string {
  return page(
    `${org}/${model}`,
    user,
    html`<h1>${org}/${model}</h1>
      ${views.map((v) => artifactSection(user, v))}`,
  );
}

export function errorPage(user: PageUser | undefined, status: number, message: string): string {
  return page(
    `Error ${status}`,
    user,
    html`<h1>Error ${status}</h1>
      <p role="alert">${message}</p>`,
  );
}
