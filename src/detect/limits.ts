/**
 * Named limits of the detector. It runs on every gateway request and on
 * every streamed cut of output, so its work per text is bounded whatever
 * the text holds (CWE-400, CWE-770; nested encodings: CWE-409).
 */

/** Characters of one text that are analysed; the rest is only counted (a longer text is scanned by its head and tail). */
export const MAX_ANALYSED_CHARS = 64 * 1024;
/** Encoded spans decoded per text. */
export const MAX_DECODED_SPANS = 8;
/** Characters produced by decoding, over all spans of one text. */
export const MAX_DECODED_CHARS = 16 * 1024;
/** Decoding inside decoded text (base64 of hex of ...). */
export const MAX_DECODE_DEPTH = 2;
/** Shortest run that is tried as base64 or hex (shorter runs are ordinary words and hashes). */
export const MIN_ENCODED_RUN = 16;
/** Matches kept per rule (explanations stay short on a text that repeats a phrase). */
export const MAX_SPANS_PER_RULE = 3;
