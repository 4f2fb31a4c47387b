"""Writers, by their specifications, for the formats of the benign breadth
set that no Debian package writes: Arrow IPC (FlatBuffers through
python3-flatbuffers' Builder), Parquet (Thrift compact protocol), TFRecord
and TensorBoard events (masked CRC-32C), Megatron indexed datasets, legacy
ggml (whisper.cpp's converter layout), llama.cpp imatrix, LightGBM text,
OpenVINO IR and a minimal .DS_Store. Each writer follows the format's
reference reader; `generate.py` calls them."""
import gzip
import struct
import zlib

import crc32c
import flatbuffers
import numpy as np


# ---- Arrow IPC (format/Schema.fbs, Message.fbs, File.fbs) ----------------------------------

def _fb_string_vector(b, items):
    b.StartVector(4, len(items), 4)
    for off in reversed(items):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def _arrow_schema(b, columns, metadata, ext=None):
    """Schema table: int32 columns; `ext` = (column, pickle) marks a py_extension_type field."""
    fields = []
    for name in columns:
        n = b.CreateString(name)
        b.StartObject(2)  # Int
        b.PrependInt32Slot(0, 32, 0)
        b.PrependBoolSlot(1, True, False)
        int_t = b.EndObject()
        kvs = []
        if ext is not None and ext[0] == name:
            for k, v in (('ARROW:extension:name', b'arrow.py_extension_type'), ('ARROW:extension:metadata', ext[1])):
                ko = b.CreateString(k)
                vo = b.CreateByteVector(v) if isinstance(v, bytes) else b.CreateString(v)
                b.StartObject(2)
                b.PrependUOffsetTRelativeSlot(0, ko, 0)
                b.PrependUOffsetTRelativeSlot(1, vo, 0)
                kvs.append(b.EndObject())
        kv_vec = _fb_string_vector(b, kvs) if kvs else None
        children = _fb_string_vector(b, [])
        b.StartObject(7)
        b.PrependUOffsetTRelativeSlot(0, n, 0)
        b.PrependBoolSlot(1, True, False)
        b.PrependUint8Slot(2, 2, 0)  # Type.Int
        b.PrependUOffsetTRelativeSlot(3, int_t, 0)
        b.PrependUOffsetTRelativeSlot(5, children, 0)
        if kv_vec is not None:
            b.PrependUOffsetTRelativeSlot(6, kv_vec, 0)
        fields.append(b.EndObject())
    fvec = _fb_string_vector(b, fields)
    kvs = []
    for k, v in metadata.items():
        ko, vo = b.CreateString(k), b.CreateString(v)
        b.StartObject(2)
        b.PrependUOffsetTRelativeSlot(0, ko, 0)
        b.PrependUOffsetTRelativeSlot(1, vo, 0)
        kvs.append(b.EndObject())
    meta = _fb_string_vector(b, kvs)
    b.StartObject(4)
    b.PrependInt16Slot(0, 0, 0)
    b.PrependUOffsetTRelativeSlot(1, fvec, 0)
    b.PrependUOffsetTRelativeSlot(2, meta, 0)
    return b.EndObject()


def _message(header_type, build_header, body_len):
    b = flatbuffers.Builder(256)
    h = build_header(b)
    b.StartObject(5)
    b.PrependInt16Slot(0, 4, 0)  # MetadataVersion.V5
    b.PrependUint8Slot(1, header_type, 0)
    b.PrependUOffsetTRelativeSlot(2, h, 0)
    b.PrependInt64Slot(3, body_len, 0)
    b.Finish(b.EndObject())
    meta = bytes(b.Output())
    meta += b'\0' * (-len(meta) % 8)
    return b'\xff\xff\xff\xff' + struct.pack('<i', len(meta)) + meta


def _record_batch(columns, rows):
    body = b''
    buffers = []
    for values in columns:
        data = np.asarray(values, dtype='<i4').tobytes()
        data += b'\0' * (-len(data) % 8)
        buffers.append((len(body), 0))  # validity bitmap: absent
        buffers.append((len(body), len(data)))
        body += data

    def header(b):
        b.StartVector(16, len(buffers), 8)
        for off, ln in reversed(buffers):
            b.Prep(8, 16)
            b.PrependInt64(ln)
            b.PrependInt64(off)
        bufs = b.EndVector()
        b.StartVector(16, len(columns), 8)
        for _ in columns:
            b.Prep(8, 16)
            b.PrependInt64(0)
            b.PrependInt64(rows)
        nodes = b.EndVector()
        b.StartObject(4)
        b.PrependInt64Slot(0, rows, 0)
        b.PrependUOffsetTRelativeSlot(1, nodes, 0)
        b.PrependUOffsetTRelativeSlot(2, bufs, 0)
        return b.EndObject()
    return _message(3, header, len(body)) + body, len(body)


def arrow_stream(columns, rows, metadata, ext=None):
    names = list(columns)
    schema = _message(1, lambda b: _arrow_schema(b, names, metadata, ext), 0)
    batch, _ = _record_batch([columns[n] for n in names], rows)
    return schema + batch + b'\xff\xff\xff\xff\0\0\0\0'


def arrow_file(columns, rows, metadata):
    names = list(columns)
    out = b'ARROW1\0\0'
    out += _message(1, lambda b: _arrow_schema(b, names, metadata), 0)
    batch, body_len = _record_batch([columns[n] for n in names], rows)
    block = (len(out), len(batch) - body_len, body_len)
    out += batch + b'\xff\xff\xff\xff\0\0\0\0'
    b = flatbuffers.Builder(256)
    schema = _arrow_schema(b, names, metadata)
    b.StartVector(24, 1, 8)
    b.Prep(8, 24)
    b.PrependInt64(block[2])
    b.Pad(4)
    b.PrependInt32(block[1])
    b.PrependInt64(block[0])
    batches = b.EndVector()
    b.StartObject(5)
    b.PrependInt16Slot(0, 4, 0)
    b.PrependUOffsetTRelativeSlot(1, schema, 0)
    b.PrependUOffsetTRelativeSlot(3, batches, 0)
    b.Finish(b.EndObject())
    footer = bytes(b.Output())
    return out + footer + struct.pack('<i', len(footer)) + b'ARROW1'


# ---- Parquet (parquet.thrift, Thrift compact protocol) --------------------------------------

class Compact:
    def __init__(self):
        self.out = bytearray()
        self.last = [0]

    def varint(self, n):
        while True:
            b = n & 0x7f
            n >>= 7
            self.out.append(b | (0x80 if n else 0))
            if not n:
                return

    def zz(self, n):
        self.varint((n << 1) ^ (n >> 63))

    def field(self, fid, ftype):
        delta = fid - self.last[-1]
        if 0 < delta <= 15:
            self.out.append((delta << 4) | ftype)
        else:
            self.out.append(ftype)
            self.zz(fid)
        self.last[-1] = fid

    def i32(self, fid, v):
        self.field(fid, 5)
        self.zz(v)

    def i64(self, fid, v):
        self.field(fid, 6)
        self.zz(v)

    def binary(self, fid, v):
        self.field(fid, 8)
        self.varint(len(v))
        self.out += v

    def begin(self, fid):
        self.field(fid, 12)
        self.last.append(0)

    def end(self):
        self.out.append(0)
        self.last.pop()

    def list(self, fid, etype, n):
        self.field(fid, 9)
        if n < 15:
            self.out.append((n << 4) | etype)
        else:
            self.out.append(0xf0 | etype)
            self.varint(n)

    def list_struct(self):
        self.last.append(0)


def parquet(values, arrow_schema_b64=None):
    data = np.asarray(values, dtype='<i4').tobytes()
    page = Compact()  # PageHeader
    page.i32(1, 0)  # DATA_PAGE
    page.i32(2, len(data))
    page.i32(3, len(data))
    page.begin(5)  # DataPageHeader
    page.i32(1, len(values))
    page.i32(2, 0)  # PLAIN
    page.i32(3, 3)  # RLE definition levels
    page.i32(4, 3)
    page.end()
    page.out.append(0)
    chunk = bytes(page.out) + data
    offset = 4
    m = Compact()  # FileMetaData
    m.i32(1, 1)
    m.list(2, 12, 2)
    m.list_struct(); m.binary(4, b'schema'); m.i32(5, 1); m.end()
    m.list_struct(); m.i32(1, 1); m.i32(3, 0); m.binary(4, b'x'); m.end()  # required int32 x
    m.i64(3, len(values))
    m.list(4, 12, 1)
    m.list_struct()  # RowGroup
    m.list(1, 12, 1)
    m.list_struct()  # ColumnChunk
    m.i64(2, offset)
    m.begin(3)  # ColumnMetaData
    m.i32(1, 1)
    m.list(2, 5, 1); m.zz(0)
    m.list(3, 8, 1); m.varint(1); m.out += b'x'
    m.i32(4, 0)
    m.i64(5, len(values))
    m.i64(6, len(chunk))
    m.i64(7, len(chunk))
    m.i64(9, offset)
    m.end()
    m.end()
    m.i64(2, len(chunk))
    m.i64(3, len(values))
    m.end()
    if arrow_schema_b64 is not None:
        m.list(5, 12, 1)
        m.list_struct(); m.binary(1, b'ARROW:schema'); m.binary(2, arrow_schema_b64); m.end()
    m.binary(6, b'modelguard benign-breadth generator')
    m.out.append(0)
    meta = bytes(m.out)
    return b'PAR1' + chunk + meta + struct.pack('<I', len(meta)) + b'PAR1'


# ---- TFRecord and TensorBoard events ---------------------------------------------------------

def _masked(b):
    c = crc32c.crc32c(b)
    return (((c >> 15) | (c << 17)) + 0xa282ead8) & 0xffffffff


def tfrecord(records):
    out = b''
    for r in records:
        n = struct.pack('<Q', len(r))
        out += n + struct.pack('<I', _masked(n)) + r + struct.pack('<I', _masked(r))
    return out


def _pb_key(field, wire):
    return _pb_varint((field << 3) | wire)


def _pb_varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def _pb_bytes(field, b):
    return _pb_key(field, 2) + _pb_varint(len(b)) + b


def example(features):
    """tf.train.Example{features: Features{feature: map<string, Feature{float_list}>}}."""
    entries = b''
    for k, vals in features.items():
        fl = _pb_bytes(1, struct.pack('<%df' % len(vals), *vals))  # FloatList.value, packed
        feature = _pb_bytes(2, fl)  # Feature.float_list
        entries += _pb_bytes(1, _pb_bytes(1, k.encode()) + _pb_bytes(2, feature))
    return _pb_bytes(1, entries)


def events(scalars):
    """TensorBoard event file: file_version record, then scalar summaries."""
    out = [_pb_key(1, 1) + struct.pack('<d', 1700000000.0) + _pb_bytes(3, b'brain.Event:2')]
    for step, (tag, value) in enumerate(scalars):
        val = _pb_bytes(1, tag.encode()) + _pb_key(2, 5) + struct.pack('<f', value)
        summary = _pb_bytes(1, val)
        out.append(_pb_key(1, 1) + struct.pack('<d', 1700000000.0 + step) + _pb_key(2, 0) + _pb_varint(step) + _pb_bytes(5, summary))
    return tfrecord(out)


def gz(b):
    return gzip.compress(b, mtime=0)


# ---- Megatron-LM / fairseq MMapIndexedDataset ------------------------------------------------

def indexed_dataset(sequences):
    sizes = np.array([len(s) for s in sequences], dtype=np.int32)
    pointers = np.concatenate([[0], np.cumsum(sizes[:-1]) * 2]).astype(np.int64)
    doc_idx = np.arange(len(sequences) + 1, dtype=np.int64)
    idx = b'MMIDIDX\x00\x00' + struct.pack('<Q', 1) + struct.pack('<B', 8)  # uint16 tokens
    idx += struct.pack('<Q', len(sequences)) + struct.pack('<Q', len(doc_idx))
    idx += sizes.tobytes() + pointers.tobytes() + doc_idx.tobytes()
    data = b''.join(np.asarray(s, dtype=np.uint16).tobytes() for s in sequences)
    return idx, data


# ---- ggml family --------------------------------------------------------------------------------

def whisper_ggml(rng):
    """whisper.cpp models/convert-pt-to-ggml.py layout, a toy model."""
    n_vocab, n_mels, n_fft = 4, 2, 3
    out = struct.pack('<I', 0x67676d6c)
    out += struct.pack('<11i', n_vocab, 8, 4, 1, 1, 8, 4, 1, 1, n_mels, 1)
    out += struct.pack('<ii', n_mels, n_fft) + rng.rand(n_mels * n_fft).astype('<f4').tobytes()
    out += struct.pack('<i', n_vocab)
    for tok in (b'!', b'the', b' a', b'<|endoftext|>'):
        out += struct.pack('<i', len(tok)) + tok
    for name, shape, ftype in (('encoder.conv1.weight', (4, 2), 1), ('encoder.conv1.bias', (4,), 0), ('decoder.token_embedding.weight', (4, 4), 1)):
        data = rng.rand(*shape).astype('<f2' if ftype == 1 else '<f4')
        out += struct.pack('<iii', len(shape), len(name), ftype)
        for d in reversed(shape):
            out += struct.pack('<i', d)
        out += name.encode() + data.tobytes()
    return out


def imatrix(rng):
    entries = [('blk.0.attn_k.weight', 8), ('blk.0.ffn_down.weight', 16), ('output.weight', 8)]
    out = struct.pack('<i', len(entries))
    for name, n in entries:
        out += struct.pack('<i', len(name)) + name.encode() + struct.pack('<ii', 10, n) + rng.rand(n).astype('<f4').tobytes()
    ds = b'wiki.train.raw'
    return out + struct.pack('<ii', 10, len(ds)) + ds


# ---- LightGBM, OpenVINO, .DS_Store -----------------------------------------------------------------

def lightgbm_model():
    """LightGBM v4 text model (src/boosting/gbdt_model_text.cpp): two stumps over three features."""
    def tree(i, thr, left, right):
        return '\n'.join([
            f'Tree={i}', 'num_leaves=2', 'num_cat=0', 'split_feature=0', 'split_gain=10.5', f'threshold={thr}',
            'decision_type=2', 'left_child=-1', 'right_child=-2', f'leaf_value={left} {right}', 'leaf_weight=10 10',
            'leaf_count=20 20', 'internal_value=0', 'internal_weight=20', 'internal_count=40', 'is_linear=0', 'shrinkage=0.1', '', ''])
    trees = [tree(0, 0.5, -0.2, 0.2), tree(1, 0.48, -0.18, 0.18)]
    head = '\n'.join([
        'tree', 'version=v4', 'num_class=1', 'num_tree_per_iteration=1', 'label_index=0', 'max_feature_idx=2',
        'objective=binary sigmoid:1', 'feature_names=f0 f1 f2', 'feature_infos=[0.01:0.99] [0.02:0.97] [0.00:0.98]',
        'tree_sizes=' + ' '.join(str(len(t)) for t in trees), '', ''])
    tail = '\n'.join(['end of trees', '', 'feature_importances:', 'f0=2', '', 'parameters:', '[boosting: gbdt]',
                      '[objective: binary]', '[num_iterations: 2]', '[learning_rate: 0.1]', 'end of parameters', '',
                      'pandas_categorical:null', ''])
    return head + ''.join(trees) + tail


def openvino_ir(rng):
    w = rng.rand(4, 3).astype('<f4').tobytes()
    b = rng.rand(4).astype('<f4').tobytes()
    xml = f'''<?xml version="1.0"?>
<net name="tiny" version="11">
\t<layers>
\t\t<layer id="0" name="x" type="Parameter" version="opset1">
\t\t\t<data shape="1,3" element_type="f32" />
\t\t\t<output><port id="0" precision="FP32"><dim>1</dim><dim>3</dim></port></output>
\t\t</layer>
\t\t<layer id="1" name="w" type="Const" version="opset1">
\t\t\t<data element_type="f32" shape="4,3" offset="0" size="{len(w)}" />
\t\t\t<output><port id="0" precision="FP32"><dim>4</dim><dim>3</dim></port></output>
\t\t</layer>
\t\t<layer id="2" name="b" type="Const" version="opset1">
\t\t\t<data element_type="f32" shape="4" offset="{len(w)}" size="{len(b)}" />
\t\t\t<output><port id="0" precision="FP32"><dim>4</dim></port></output>
\t\t</layer>
\t\t<layer id="3" name="y" type="MatMul" version="opset1">
\t\t\t<data transpose_a="false" transpose_b="true" />
\t\t\t<input><port id="0"><dim>1</dim><dim>3</dim></port><port id="1"><dim>4</dim><dim>3</dim></port></input>
\t\t\t<output><port id="2" precision="FP32"><dim>1</dim><dim>4</dim></port></output>
\t\t</layer>
\t\t<layer id="4" name="out" type="Result" version="opset1">
\t\t\t<input><port id="0"><dim>1</dim><dim>4</dim></port></input>
\t\t</layer>
\t</layers>
\t<edges>
\t\t<edge from-layer="0" from-port="0" to-layer="3" to-port="0" />
\t\t<edge from-layer="1" from-port="0" to-layer="3" to-port="1" />
\t\t<edge from-layer="3" from-port="2" to-layer="4" to-port="0" />
\t</edges>
</net>
'''
    return xml.encode(), w + b


def ds_store():
    """A Buddy allocator file as Finder writes (header, root block with an empty DSDB tree)."""
    root = struct.pack('>II', 1, 0) + struct.pack('>I', 0x100b) + struct.pack('>I', 0) * 2
    root += struct.pack('>I', 1) + bytes([4]) + b'DSDB' + struct.pack('>I', 1)
    root += b'\0' * (256 - len(root))
    return struct.pack('>I', 1) + b'Bud1' + struct.pack('>III', 0x800, len(root), 0x800) + b'\0' * (0x804 - 20) + root


def docbin(msgpack_dumps):
    """spaCy DocBin.to_bytes(): zlib of msgpack {attrs, tokens, spaces, lengths, strings, cats, flags, span_groups}."""
    tokens = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.uint64)
    msg = {'version': 3, 'attrs': [65, 67], 'tokens': tokens.tobytes(), 'spaces': np.array([1, 0, 1], dtype=bool).tobytes(),
           'lengths': np.array([3], dtype=np.int32).tobytes(), 'strings': ['hello', 'world', '!'], 'cats': [{}],
           'flags': [{'has_unknown_spaces': False}], 'span_groups': [b'\x90']}
    return zlib.compress(msgpack_dumps(msg))
