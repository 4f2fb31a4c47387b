/** The model page's record of rescans after an engine or policy change: per file, the verdict before and after. */
import type { FileDiff } from '../pipeline/rescan.js';
import type { Step } from '../store/artifacts.js';
import { badge, html, type Html } from './html.js';

const ACTION: Record<string, string> = {
  kept: 'still published',
  quarantined: 'withdrawn: quarantined and no longer served',
  held: 'withdrawn or kept back: held for a reviewer (findings no reviewer released)',
  requeued: 'verdict improved: through the pipeline again (convert, sign, publish)',
  unchanged: 'state unchanged',
};

function verdict(v: string | null): Html | string {
  return v === null ? 'not scanned' : badge(v);
}

export function rescanSection(steps: readonly Step[]): Html | string {
  const rescans = steps.filter((s) => s.step === 'engine-rescan');
  if (rescans.length === 0) return '';
  return html`<h3>Rescans after an engine or policy change</h3>
    ${rescans.map((s) => {
      const e = s.evidence;
      const diff = (Array.isArray(e['diff']) ? e['diff'] : []) as FileDiff[];
      const str = (v: unknown): string => (typeof v === 'string' ? v : '');
      return html`<section class="rescan" data-testid="rescan">
        <p>
          <a href="/api/rescans/${String(e['rescan'])}">Rescan ${String(e['rescan'])}</a> with ${str(e['engine'])} (scanned before with
          ${str(e['previousEngine']) || 'an unknown engine'}): ${ACTION[str(e['action'])] ?? str(e['action'])}
        </p>
        <table class="findings">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Before</th>
              <th scope="col">Now</th>
              <th scope="col">New findings</th>
              <th scope="col">Gone</th>
            </tr>
          </thead>
          <tbody>
            ${diff.map(
              (f) =>
                html`<tr>
                  <td>${f.path}</td>
                  <td>${verdict(f.old)}</td>
                  <td>${verdict(f.new)}</td>
                  <td>${f.added.join(', ')}</td>
                  <td>${f.removed.join(', ')}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>`;
    })}`;
}
