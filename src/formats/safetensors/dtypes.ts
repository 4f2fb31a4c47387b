/**
 * Every element type of the safetensors format, once, for the scanner,
 * the converter and the tests: bits per element, and for the
 * byte-addressable ones the rank the reference writer orders tensors by.
 *
 * From the reference crate's `Dtype` enum (huggingface/safetensors
 * `safetensors/src/tensor.rs`): ranks follow its declaration order, which
 * puts larger elements after smaller ones, so a writer that sorts by rank
 * descending keeps every tensor aligned to its element size after the
 * 8-byte-aligned header. The sub-byte types (F4, F6_*) have no rank: they
 * are read, never written by this project.
 */

interface DtypeInfo {
  readonly bits: number;
  readonly rank?: number;
}

/** The table. A table, so long. */
export const SAFETENSORS_DTYPES = {
  BOOL: { bits: 8, rank: 0 },
  F4: { bits: 4 },
  F6_E2M3: { bits: 6 },
  F6_E3M2: { bits: 6 },
  U8: { bits: 8, rank: 3 },
  I8: { bits: 8, rank: 4 },
  F8_E5M2: { bits: 8, rank: 5 },
  F8_E4M3: { bits: 8, rank: 6 },
  F8_E8M0: { bits: 8, rank: 7 },
  F8_E4M3FNUZ: { bits: 8, rank: 8 },
  F8_E5M2FNUZ: { bits: 8, rank: 9 },
  I16: { bits: 16, rank: 10 },
  U16: { bits: 16, rank: 11 },
  F16: { bits: 16, rank: 12 },
  BF16: { bits: 16, rank: 13 },
  I32: { bits: 32, rank: 14 },
  U32: { bits: 32, rank: 15 },
  F32: { bits: 32, rank: 16 },
  C64: { bits: 64, rank: 17 },
  F64: { bits: 64, rank: 18 },
  I64: { bits: 64, rank: 19 },
  U64: { bits: 64, rank: 20 },
} as const satisfies Record<string, DtypeInfo>;

type Table = typeof SAFETENSORS_DTYPES;

/** Any dtype name the format knows. */
export type SafetensorsDtypeName = keyof Table;

/** The byte-addressable dtypes (those with a rank): what the converter writes and reads back. */
export type SafetensorsDtype = { [K in keyof Table]: Table[K] extends { rank: number } ? K : never }[keyof Table];

export function isSafetensorsDtypeName(s: string): s is SafetensorsDtypeName {
  return Object.hasOwn(SAFETENSORS_DTYPES, s);
}

export function isSafetensorsDtype(s: string): s is SafetensorsDtype {
  return isSafetensorsDtypeName(s) && 'rank' in SAFETENSORS_DTYPES[s];
}

/** Bits per element, or undefined for a name the format does not know. */
export function dtypeBits(name: string): number | undefined {
  return isSafetensorsDtypeName(name) ? SAFETENSORS_DTYPES[name].bits : undefined;
}

const byteDtypes = Object.entries(SAFETENSORS_DTYPES).flatMap(([k, v]): [SafetensorsDtype, { bits: number; rank: number }][] =>
  'rank' in v ? [[k as SafetensorsDtype, v]] : [],
);

/** Bytes per element of the byte-addressable dtypes. */
export const SAFETENSORS_DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = Object.fromEntries(byteDtypes.map(([k, v]) => [k, v.bits / 8])) as Record<
  SafetensorsDtype,
  number
>;

/** The reference writer's order key (its enum's declaration order) of the byte-addressable dtypes. */
export const SAFETENSORS_DTYPE_RANK: Readonly<Record<SafetensorsDtype, number>> = Object.fromEntries(byteDtypes.map(([k, v]) => [k, v.rank])) as Record<
  SafetensorsDtype,
  number
>;
