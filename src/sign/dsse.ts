/**
 * DSSE pre-authentication encoding (secure-systems-lab/dsse protocol.md)
 * and the non-standard string model_signing v0.2 signed by mistake.
 */

export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** `DSSEv1 <len(type)> <type> <len(body)> <body>`. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), Buffer.from(payload)]);
}

/** Python's `repr()` of a bytes object: `b'...'`, or `b"..."` when only single quotes occur. */
export function pythonBytesRepr(data: Uint8Array): string {
  const hasSingle = data.includes(0x27);
  const hasDouble = data.includes(0x22);
  const quote = hasSingle && !hasDouble ? 0x22 : 0x27;
  let s = '';
  for (const c of data) {
    if (c === quote || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c < 0x20 || c >= 0x7f) s += `\\x${c.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(c);
  }
  const q = String.fromCharCode(quote);
  return `b${q}${s}${q}`;
}

/**
 * What model_signing v0.2 actually signed: `DSSEV1` (capital V), and the
 * payload inserted as Python's repr of the bytes. Only accepted for the
 * v0.1 digests predicate, and always with SHA-256.
 */
export function paeCompat(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.from(`DSSEV1 ${type.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`, 'utf8');
}
