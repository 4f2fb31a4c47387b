/**
 * Server-sent events from the upstream, parsed incrementally (WHATWG HTML
 * "event stream interpretation"): events end at a blank line, `data:` lines
 * join with newlines, comments and other fields are dropped. One event is
 * bounded (CWE-400): a stream that never ends an event is cut.
 */
const MAX_EVENT = 1024 * 1024;

export class SseParser {
  #buffer = '';
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  /** Feeds bytes; returns the `data` of each complete event. Throws on invalid UTF-8 or an oversized event. */
  push(chunk: Buffer): string[] {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    const events: string[] = [];
    for (;;) {
      const m = /\r\n\r\n|\n\n|\r\r/.exec(this.#buffer);
      if (m === null) break;
      const block = this.#buffer.slice(0, m.index);
      this.#buffer = this.#buffer.slice(m.index + m[0].length);
      const data: string[] = [];
      for (const line of block.split(/\r\n|\n|\r/)) {
        if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
      }
      if (data.length > 0) events.push(data.join('\n'));
    }
    if (this.#buffer.length > MAX_EVENT) throw new Error(`an event is longer than ${MAX_EVENT} characters`);
    return events;
  }

  /** Whether bytes of an unfinished event are left (a stream cut mid-event). */
  get pending(): boolean {
    return this.#buffer.trim() !== '';
  }
}
