#!/usr/bin/python3
"""Writes test/fixtures/benign-precision/: files of model repositories and
ML project folders that have no header a format sniffer keys on, made by the
real libraries (Debian's python3-faiss 1.7.3, python3-hnswlib, numpy,
python3-onnx, torch 1.13). Every file must scan `clean` (`npm run eval`,
test/benign/benign-precision.test.ts); docs/precision.md has the survey.

- FAISS indexes as faiss.write_index / write_index_binary write them: flat
  (L2, IP), IDMap/IDMap2, HNSW (flat, SQ, PQ), IVF (flat, PQ, SQ), PQ, SQ,
  LSH, a PCA pre-transform, a refine index, binary flat/IVF/HNSW/IDMap, and
  a LangChain-style vector store folder (index.faiss beside index.pkl, here
  a docstore of plain dicts: LangChain's own classes need an import and are
  rightly named by the pickle scan);
- raw tensor dumps as numpy's ndarray.tofile writes them (float32,
  float16, float64, int64 ids), the way word2vec-style vector dumps and
  memmapped embeddings are shipped;
- ONNX models saved with save_as_external_data (one `model.onnx.data`, and
  a `weights.bin` location), whose data files have no header;
- hnswlib indexes (save_index);
- MXNet parameter files: Debian has no MXNet, so the NDArray list is
  written here as MXNet's NDArray::Save writes it (src/ndarray/ndarray.cc:
  u64 magic 0x112, u64 0, u64 count, per array the V2 magic 0xF993FAC9,
  storage type, int32 rank + int64 dims, context, type flag, values, index
  arrays for row-sparse; then u64 count and u64-length names), beside the
  `-symbol.json` of mx.model.save_checkpoint.
Fixed seeds: the output is the same on every run, except the binary HNSW
graph (faiss builds it in parallel).
"""
import json
import pickle
import shutil
import sys
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test" / "fixtures" / "benign-precision"
rng = np.random.RandomState(11)
D = 8


def vectors(n, d=D):
    return rng.standard_normal((n, d)).astype("float32")


def faiss_indexes(out):
    out.mkdir(parents=True, exist_ok=True)
    xb = vectors(64)
    xt = vectors(256)  # PQ with 8-bit codes needs 256 training points

    def save(name, index, train=True, add=True):
        if train and not index.is_trained:
            index.train(xt)
        if add:
            index.add(xb)
        faiss.write_index(index, str(out / name))

    save("flat-l2.faiss", faiss.IndexFlatL2(D))
    save("flat-ip.index", faiss.IndexFlatIP(D))
    idmap = faiss.IndexIDMap(faiss.IndexFlatL2(D))
    idmap.add_with_ids(xb, np.arange(1000, 1064).astype("int64"))
    faiss.write_index(idmap, str(out / "idmap.faiss"))
    idmap2 = faiss.IndexIDMap2(faiss.IndexFlatIP(D))
    idmap2.add_with_ids(xb, np.arange(64).astype("int64") * 3)
    faiss.write_index(idmap2, str(out / "idmap2.faiss"))
    save("hnsw-flat.faiss", faiss.IndexHNSWFlat(D, 4))
    save("hnsw-sq.faiss", faiss.IndexHNSWSQ(D, faiss.ScalarQuantizer.QT_8bit, 4))
    save("hnsw-pq.faiss", faiss.IndexHNSWPQ(D, 2, 4))
    q = faiss.IndexFlatL2(D)
    save("ivf-flat.faiss", faiss.IndexIVFFlat(q, D, 4))
    q2 = faiss.IndexFlatL2(D)
    save("ivf-pq.faiss", faiss.IndexIVFPQ(q2, D, 4, 2, 4))
    q3 = faiss.IndexFlatL2(D)
    save("ivf-sq.faiss", faiss.IndexIVFScalarQuantizer(q3, D, 4, faiss.ScalarQuantizer.QT_fp16))
    save("pq.faiss", faiss.IndexPQ(D, 2, 4))
    save("sq.faiss", faiss.IndexScalarQuantizer(D, faiss.ScalarQuantizer.QT_8bit))
    save("lsh.faiss", faiss.IndexLSH(D, 16))
    save("pca-flat.faiss", faiss.index_factory(D, "PCA4,Flat"))
    save("refine.faiss", faiss.index_factory(D, "PQ2x4,RFlat"))
    save("ivf-factory.faiss", faiss.index_factory(D, "IVF4,Flat", faiss.METRIC_INNER_PRODUCT))
    bits = rng.randint(0, 256, size=(64, 4)).astype("uint8")
    bf = faiss.IndexBinaryFlat(32)
    bf.add(bits)
    faiss.write_index_binary(bf, str(out / "binary-flat.faiss"))
    bivf = faiss.IndexBinaryIVF(faiss.IndexBinaryFlat(32), 32, 4)
    bivf.train(bits)
    bivf.add(bits)
    faiss.write_index_binary(bivf, str(out / "binary-ivf.faiss"))
    bh = faiss.IndexBinaryHNSW(32, 4)
    bh.add(bits)
    faiss.write_index_binary(bh, str(out / "binary-hnsw.faiss"))
    bm = faiss.IndexBinaryIDMap(faiss.IndexBinaryFlat(32))
    bm.add_with_ids(bits, np.arange(64).astype("int64") + 7)
    faiss.write_index_binary(bm, str(out / "binary-idmap.faiss"))


def langchain_store(out):
    """FAISS.save_local: index.faiss (faiss.write_index) and index.pkl (pickle.dump of (docstore, index_to_docstore_id))."""
    out.mkdir(parents=True, exist_ok=True)
    index = faiss.IndexFlatL2(D)
    index.add(vectors(3))
    faiss.write_index(index, str(out / "index.faiss"))
    docstore = {"d0": {"page_content": "first passage", "metadata": {"source": "a.txt"}}, "d1": {"page_content": "second", "metadata": {}}, "d2": {"page_content": "third", "metadata": {}}}
    with open(out / "index.pkl", "wb") as f:
        pickle.dump((docstore, {0: "d0", 1: "d1", 2: "d2"}), f)


def raw_dumps(out):
    out.mkdir(parents=True, exist_ok=True)
    (rng.standard_normal((32, 16)) * 0.1).astype("float32").tofile(out / "embeddings.f32.bin")
    (rng.standard_normal((32, 16)) * 0.02).astype("float16").tofile(out / "weights-fp16.bin")
    rng.standard_normal((16, 8)).astype("float64").tofile(out / "vectors.f64")
    np.arange(0, 400, 3, dtype="int64").tofile(out / "ids.int64.bin")
    # word2vec-style raw vectors: one float32 matrix with no header, read with np.fromfile(...).reshape(-1, dim).
    (rng.uniform(-1, 1, size=(50, 24))).astype("float32").tofile(out / "vectors.bin")


def onnx_external(out):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def model(prefix):
        w = numpy_helper.from_array(rng.standard_normal((16, 16)).astype("float32"), f"{prefix}_w")
        b = numpy_helper.from_array(rng.standard_normal((16,)).astype("float32"), f"{prefix}_b")
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])
        mm = helper.make_node("MatMul", ["x", f"{prefix}_w"], ["h"])
        add = helper.make_node("Add", ["h", f"{prefix}_b"], ["y"])
        g = helper.make_graph([mm, add], "g", [x], [y], initializer=[w, b])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        return m

    for sub, location in (("onnx-external", "model.onnx.data"), ("onnx-weights-bin", "weights.bin")):
        d = out / sub
        d.mkdir(parents=True, exist_ok=True)
        onnx.save_model(model(sub.replace("-", "_")), str(d / "model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location=location, size_threshold=0)


def hnswlib_index(out):
    import hnswlib

    out.mkdir(parents=True, exist_ok=True)
    p = hnswlib.Index(space="cosine", dim=D)
    p.init_index(max_elements=32, ef_construction=20, M=4, random_seed=3)
    p.add_items(vectors(20), np.arange(20))
    p.save_index(str(out / "hnswlib.bin"))


def mxnet_params(out):
    import struct

    out.mkdir(parents=True, exist_ok=True)

    def tshape(dims):
        return struct.pack("<i", len(dims)) + b"".join(struct.pack("<q", d) for d in dims)

    def dense(a):
        flag = {np.dtype("float32"): 0, np.dtype("float16"): 2, np.dtype("int64"): 6}[a.dtype]
        return struct.pack("<Ii", 0xF993FAC9, 0) + tshape(a.shape) + struct.pack("<iii", 1, 0, flag) + a.tobytes()

    def row_sparse(rows, values, nrows):
        head = struct.pack("<Ii", 0xF993FAC9, 1) + tshape(values.shape) + tshape((nrows, values.shape[1]))
        return head + struct.pack("<iii", 1, 0, 0) + struct.pack("<i", 6) + tshape(rows.shape) + values.tobytes() + rows.tobytes()

    def nd_save(arrays, names):
        body = struct.pack("<QQQ", 0x112, 0, len(arrays)) + b"".join(arrays)
        return body + struct.pack("<Q", len(names)) + b"".join(struct.pack("<Q", len(n)) + n.encode() for n in names)

    w = (rng.standard_normal((4, 8)) * 0.1).astype("float32")
    b = np.zeros(4, dtype="float32")
    mean = rng.standard_normal(4).astype("float32")
    emb = nd_save([row_sparse(np.array([1, 5], dtype="int64"), rng.standard_normal((2, 3)).astype("float32"), 10)], ["embedding0_weight"])
    (out / "model-0000.params").write_bytes(nd_save([dense(w), dense(b), dense(mean)], ["arg:fc1_weight", "arg:fc1_bias", "aux:bn_moving_mean"]))
    (out / "gluon.params").write_bytes(nd_save([dense(w.astype("float16")), dense(np.arange(4, dtype="int64"))], ["dense0.weight", "dense0.step"]))
    (out / "embedding.params").write_bytes(emb)
    symbol = {
        "nodes": [
            {"op": "null", "name": "data", "inputs": []},
            {"op": "null", "name": "fc1_weight", "attrs": {"num_hidden": "4"}, "inputs": []},
            {"op": "null", "name": "fc1_bias", "attrs": {"num_hidden": "4"}, "inputs": []},
            {"op": "FullyConnected", "name": "fc1", "attrs": {"num_hidden": "4"}, "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
        ],
        "arg_nodes": [0, 1, 2],
        "node_row_ptr": [0, 1, 2, 3, 4],
        "heads": [[3, 0, 0]],
        "attrs": {"mxnet_version": ["int", 10901]},
    }
    (out / "model-symbol.json").write_text(json.dumps(symbol, indent=2))


if __name__ == "__main__":
    if OUT.exists():
        shutil.rmtree(OUT)
    faiss_indexes(OUT / "faiss")
    langchain_store(OUT / "vectorstore")
    raw_dumps(OUT / "raw")
    onnx_external(OUT)
    hnswlib_index(OUT / "hnswlib")
    mxnet_params(OUT / "mxnet")
    (OUT / "NOTICE").write_text("Generated by scripts/benign-precision/generate.py from seeded random numbers.\n")
