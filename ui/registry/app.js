// modelguard registry UI: resumable uploads (tus 1.0.0) with progress, and
// a model page that refreshes itself while an upload is still in the pipeline.
// Plain browser JavaScript, served from the registry itself (CSP: script-src 'self').
/* global document, window */

const CHUNK = 8 * 1024 * 1024;

function b64(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

async function tusUpload(file, meta, csrf, onProgress) {
  const base = { 'Tus-Resumable': '1.0.0', 'X-CSRF-Token': csrf };
  const metadata = Object.entries(meta)
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(',');
  const created = await fetch('/api/uploads', {
    method: 'POST',
    headers: { ...base, 'Upload-Length': String(file.size), 'Upload-Metadata': metadata },
    credentials: 'same-origin',
  });
  if (created.status !== 201) throw new Error(await errorText(created));
  const location = created.headers.get('Location');
  let artifact = created.headers.get('Upload-Artifact');
  let offset = 0;
  let failures = 0;
  while (offset < file.size) {
    const body = file.slice(offset, Math.min(file.size, offset + CHUNK));
    let res;
    try {
      res = await fetch(location, {
        method: 'PATCH',
        headers: { ...base, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        body,
        credentials: 'same-origin',
      });
    } catch {
      res = undefined;
    }
    if (res === undefined || res.status === 409 || res.status >= 500) {
      // Lost connection or a restart: ask where the server is and resume from there.
      if (++failures > 5) throw new Error('the upload keeps failing; try again later');
      const head = await fetch(location, { method: 'HEAD', headers: base, credentials: 'same-origin' });
      offset = Number(head.headers.get('Upload-Offset') ?? '0');
      continue;
    }
    if (res.status !== 204) throw new Error(await errorText(res));
    offset = Number(res.headers.get('Upload-Offset'));
    artifact = res.headers.get('Upload-Artifact') ?? artifact;
    onProgress(offset / Math.max(1, file.size));
  }
  return artifact;
}

async function errorText(res) {
  try {
    const j = await res.json();
    return j.error?.message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

function setupUpload(form) {
  const progress = document.getElementById('progress');
  const status = document.getElementById('status');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const file = data.get('file');
    const org = String(data.get('org'));
    const model = String(data.get('model'));
    if (!(file instanceof window.File)) return;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = `Uploading ${file.name}…`;
    tusUpload(file, { org, model, filename: file.name }, form.dataset.csrf, (f) => {
      progress.value = Math.round(f * 100);
    })
      .then(() => {
        status.textContent = 'Uploaded; the file is in quarantine until the pipeline has run.';
        window.location.assign(`/m/${encodeURIComponent(org)}/${encodeURIComponent(model)}`);
      })
      .catch((e) => {
        status.textContent = `Upload failed: ${e.message}`;
      });
  });
}

function watchPending() {
  const pending = document.querySelectorAll('[data-pending="yes"]');
  if (pending.length === 0) return;
  const ids = Array.from(pending, (el) => el.dataset.artifact);
  const tick = async () => {
    for (const id of ids) {
      const res = await fetch(`/api/artifacts/${id}`, { credentials: 'same-origin' });
      if (!res.ok) continue;
      const a = await res.json();
      if (a.state !== 'queued' && a.state !== 'processing') {
        window.location.reload();
        return;
      }
    }
    window.setTimeout(tick, 1000);
  };
  window.setTimeout(tick, 1000);
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('upload');
  if (form) setupUpload(form);
  watchPending();
});
