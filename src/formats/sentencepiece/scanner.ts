/**
 * SentencePiece tokenizer models (`tokenizer.model`, `spiece.model`): a
 * protobuf `ModelProto` (sentencepiece_model.proto) that every Llama, T5,
 * Mistral or Gemma repository carries next to its weights. Loading one runs
 * no code: the C++ library parses the message, builds the vocabulary and,
 * for normalization, a precompiled character map (a double-array trie it
 * indexes into). So the file is checked for the structure the loader
 * relies on, not for payloads:
 *
 *   ModelProto       pieces=1 (repeated SentencePiece), trainer_spec=2,
 *                    normalizer_spec=3, self_test_data=4, denormalizer_spec=5
 *   SentencePiece    piece=1 (string), score=2 (float), type=3 (enum 1-6)
 *   TrainerSpec      model_type=3 (1 unigram, 2 BPE, 3 word, 4 char), vocab_size=4
 *   NormalizerSpec   name=1, precompiled_charsmap=2 (u32 trie size, trie, strings)
 *
 * Recognised by wire structure (no magic number): the first fields must be
 * pieces whose own fields have exactly those numbers and wire types.
 */
import { ByteReader } from '../../bytes/reader.js';
import { BufferSource, type ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import { WIRE_I32, WIRE_LEN, WIRE_VARINT, wireCursor, wireBytes, wireFields, wireString, type WireField } from '../../bytes/protobuf.js';
import type { WindowCursor } from '../../bytes/window.js';

const MODEL_RULE = {
  id: 'sentencepiece/model',
  title: 'SentencePiece tokenizer model',
  severity: 'info',
  help: 'A SentencePiece ModelProto: a vocabulary, trainer settings and normalization tables. The library parses it without running code; its structure was checked (pieces, piece types, one unknown piece, the precompiled character map).',
} as const;
defineRules([MODEL_RULE]);

/** Pieces in one model (CWE-400): real vocabularies stay under a few hundred thousand. */
const MAX_PIECES = 4_000_000;
/** Bytes of one piece string. */
const MAX_PIECE_BYTES = 64 * 1024;
/** Pieces decoded from the head before the bytes are believed to be a SentencePiece model. */
const SNIFF_PIECES = 3;

const TYPES = ['', 'normal', 'unknown', 'control', 'user-defined', 'unused', 'byte'];
const MODEL_TYPES = ['', 'unigram', 'BPE', 'word', 'char'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Piece {
  type: number;
}

/** One SentencePiece message: only fields 1 (LEN), 2 (I32), 3 (VARINT), and extensions from 200. */
function readPiece(src: WindowCursor, f: WireField): Piece {
  let type = 1;
  let named = false;
  for (const g of wireFields(src, f.at, f.at + f.length, 'SentencePiece')) {
    if (g.no >= 200) continue;
    if (g.no === 1 && g.wire === WIRE_LEN) {
      if (g.length > MAX_PIECE_BYTES) throw new ModelguardError('E_LIMIT', `piece of ${g.length} bytes at offset ${g.at}`, { offset: g.at });
      try {
        utf8.decode(wireBytes(src, g));
      } catch {
        throw new ModelguardError('E_MALFORMED', `piece at offset ${g.at} is not UTF-8 (protobuf rejects the string)`, { offset: g.at });
      }
      named = true;
    } else if (g.no === 2 && g.wire === WIRE_I32) {
      // score
    } else if (g.no === 3 && g.wire === WIRE_VARINT) {
      type = Number(g.varint);
      if (type < 1 || type > 6)
        throw new ModelguardError('E_MALFORMED', `piece type ${g.varint} at offset ${g.at} is not a SentencePiece type`, { offset: g.at });
    } else {
      throw new ModelguardError('E_MALFORMED', `SentencePiece field ${g.no} (wire type ${g.wire}) at offset ${g.at}`, { offset: g.at });
    }
  }
  if (!named) throw new ModelguardError('E_MALFORMED', `piece without a string at offset ${f.at}`, { offset: f.at });
  return { type };
}

/**
 * The precompiled character map: a little-endian u32 trie size, the
 * double-array trie (u32 units), then the NUL-separated normalized strings
 * the trie points into. The loader indexes both with values from the map
 * itself, so sizes that do not add up are where malformed maps go wrong.
 */
function checkCharsmap(blob: Uint8Array, at: number): void {
  if (blob.length === 0) return;
  if (blob.length < 4) throw new ModelguardError('E_MALFORMED', `precompiled_charsmap of ${blob.length} bytes has no trie size`, { offset: at });
  const trie = new ByteReader(blob, at).u32le('trie size');
  if (trie >= blob.length - 4 + 1 || trie % 4 !== 0) {
    throw new ModelguardError('E_MALFORMED', `precompiled_charsmap declares a ${trie}-byte trie in ${blob.length - 4} bytes (or not a whole number of units)`, {
      offset: at,
    });
  }
}

function readNormalizer(src: WindowCursor, f: WireField, ctx: ScanContext, key: string): void {
  for (const g of wireFields(src, f.at, f.at + f.length, 'NormalizerSpec')) {
    if (g.no === 1 && g.wire === WIRE_LEN) ctx.info(`sentencepiece.${key}`, wireString(src, g, 256));
    else if (g.no === 2 && g.wire === WIRE_LEN) {
      if (g.length > 64 * 1024 * 1024) throw new ModelguardError('E_LIMIT', `precompiled_charsmap of ${g.length} bytes`, { offset: g.at });
      checkCharsmap(wireBytes(src, g), g.at);
    }
  }
}

function readTrainer(src: WindowCursor, f: WireField, ctx: ScanContext): void {
  for (const g of wireFields(src, f.at, f.at + f.length, 'TrainerSpec')) {
    if (g.no === 3 && g.wire === WIRE_VARINT) ctx.info('sentencepiece.modelType', MODEL_TYPES[Number(g.varint)] ?? `type ${g.varint}`);
    else if (g.no === 4 && g.wire === WIRE_VARINT) ctx.info('sentencepiece.vocabSize', Number(g.varint));
  }
}

function sniffModel(head: Uint8Array, size: number): boolean {
  if (head[0] !== 0x0a) return false;
  const src = wireCursor(new BufferSource(head));
  let pieces = 0;
  try {
    for (const f of wireFields(src, 0, head.length, 'ModelProto')) {
      if (f.no !== 1 || f.wire !== WIRE_LEN) return pieces >= 1 && f.no <= 5;
      readPiece(src, f);
      if (++pieces >= SNIFF_PIECES) return true;
    }
    return pieces >= 1 && head.length >= size;
  } catch (e) {
    // The head may end inside a piece.
    return e instanceof ModelguardError && e.code === 'E_TRUNCATED' && pieces >= SNIFF_PIECES - 1 && head.length < size;
  }
}

export const sentencePieceFormat: FormatScanner = {
  id: 'sentencepiece',
  title: 'SentencePiece tokenizer model',
  sniff(probe: Probe): boolean {
    return sniffModel(probe.head, probe.size);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const w = wireCursor(src);
    const count = [0, 0, 0, 0, 0, 0, 0];
    let pieces = 0;
    for (const f of wireFields(w, 0, src.size, 'ModelProto')) {
      if (f.no === 1 && f.wire === WIRE_LEN) {
        if (++pieces > MAX_PIECES) throw new ModelguardError('E_LIMIT', `more than ${MAX_PIECES} pieces`, { offset: f.at });
        const t = readPiece(w, f).type;
        count[t] = (count[t] ?? 0) + 1;
      } else if (f.no === 2 && f.wire === WIRE_LEN) readTrainer(w, f, ctx);
      else if (f.no === 3 && f.wire === WIRE_LEN) readNormalizer(w, f, ctx, 'normalizer');
      else if (f.no === 5 && f.wire === WIRE_LEN) readNormalizer(w, f, ctx, 'denormalizer');
      else if (f.no === 4 && f.wire === WIRE_LEN) continue;
      else if (f.no < 200) throw new ModelguardError('E_MALFORMED', `ModelProto field ${f.no} (wire type ${f.wire}) at offset ${f.at}`, { offset: f.at });
    }
    // The library refuses a model without exactly one unknown piece ("unk is not defined").
    if (count[2] !== 1) throw new ModelguardError('E_MALFORMED', `${count[2]} pieces of type unknown (SentencePiece requires exactly one)`);
    ctx.info('sentencepiece.pieces', pieces);
    const kinds = TYPES.map((t, i) => (i > 0 && (count[i] ?? 0) > 0 ? `${count[i]} ${t}` : '')).filter((s) => s !== '');
    ctx.report({ rule: MODEL_RULE.id, severity: 'info', message: `SentencePiece model: ${pieces} pieces (${kinds.join(', ')})` });
    return Promise.resolve();
  },
};
