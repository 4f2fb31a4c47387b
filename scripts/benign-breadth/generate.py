#!/usr/bin/python3
"""Writes the benign breadth set: one small real example of every class of
file a model repository, a data set or a training run carries that is not
a model loader's input, plus a git clone of a model-repository-like folder
and a Hugging Face hub cache. Every file must scan `clean`, every folder
too (test/scan/benign-breadth.test.ts; `npm run eval` reports the set).

Run with Debian's interpreter: /usr/bin/python3 scripts/benign-breadth/generate.py [out]
Real libraries where Debian packages them: python3-soundfile (WAV, FLAC,
MP3, Ogg Vorbis, NIST SPHERE through libsndfile), python3-pil (images),
python3-gensim (word2vec), python3-fasttext, python3-xgboost, python3-thinc
and python3-srsly (spaCy/thinc msgpack), python3-onnx, git itself. By the
format specification (formats.py) where none does: Arrow IPC, Parquet,
TFRecord/TensorBoard events, Megatron indexed datasets, legacy ggml,
llama.cpp imatrix, LightGBM, OpenVINO IR, .DS_Store.
"""
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import formats  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'test', 'fixtures', 'benign-breadth')
rng = np.random.RandomState(24)


def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def media():
    import soundfile as sf
    from PIL import Image
    t = np.linspace(0, 0.05, 800, dtype=np.float32)
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    for name, fmt, sub in (('speech-pcm16.wav', 'WAV', 'PCM_16'), ('speech-float.wav', 'WAV', 'FLOAT'), ('clip.flac', 'FLAC', 'PCM_16'),
                           ('clip.ogg', 'OGG', 'VORBIS'), ('clip.mp3', 'MP3', 'MPEG_LAYER_III'), ('timit-like.sph', 'NIST', 'PCM_16')):
        buf = io.BytesIO()
        sf.write(buf, tone, 16000, format=fmt, subtype=sub)
        write(f'dataset/audio/{name}', buf.getvalue())
    img = Image.fromarray((rng.rand(16, 16, 3) * 255).astype(np.uint8))
    for name, fmt, mode in (('img.bmp', 'BMP', 'RGB'), ('img.tiff', 'TIFF', 'RGB'), ('img.ppm', 'PPM', 'RGB'), ('img.pgm', 'PPM', 'L'),
                            ('favicon.ico', 'ICO', 'RGB'), ('figure.png', 'PNG', 'RGB'), ('photo.jpg', 'JPEG', 'RGB')):
        buf = io.BytesIO()
        img.convert(mode).save(buf, format=fmt)
        write(f'dataset/images/{name}', buf.getvalue())


def data_containers():
    cols = {'input_ids': [101, 2023, 102, 0], 'label': [1, 0, 1, 1]}
    hf = {'huggingface': json.dumps({'info': {'features': {'input_ids': {'dtype': 'int32', '_type': 'Value'}}}})}
    write('dataset/cache/data-00000-of-00001.arrow', formats.arrow_stream(cols, 4, hf))
    write('dataset/features.feather', formats.arrow_file(cols, 4, {}))
    write('dataset/train-00000-of-00001.parquet', formats.parquet([3, 1, 4, 1, 5]))
    recs = [formats.example({'x': [float(i), 0.5]}) for i in range(3)]
    write('dataset/train.tfrecord', formats.tfrecord(recs))
    write('dataset/train.tfrecord.gz', formats.gz(formats.tfrecord(recs)))
    write('runs/tb/events.out.tfevents.1700000000.host.1.0', formats.events([('loss', 0.9), ('loss', 0.7)]))
    idx, data = formats.indexed_dataset([[5, 6, 7], [8, 9], [10, 11, 12, 13]])
    write('megatron/corpus_text_document.idx', idx)
    write('megatron/corpus_text_document.bin', data)


def spacy_like():
    import srsly
    from thinc.api import Linear
    model = Linear(3, 2)
    model.initialize()
    write('spacy/ner/model', model.to_bytes())
    write('spacy/tokenizer', srsly.msgpack_dumps({'prefix_search': '^\\(', 'suffix_search': '\\)$', 'exceptions': {"can't": [{'ORTH': 'ca'}, {'ORTH': "n't"}]}}))
    write('spacy/train.spacy', formats.docbin(srsly.msgpack_dumps))


def model_formats():
    write('whisper/ggml-tiny.bin', formats.whisper_ggml(rng))
    write('llm/imatrix.dat', formats.imatrix(rng))
    write('lightgbm/model.txt', formats.lightgbm_model())
    xml, weights = formats.openvino_ir(rng)
    write('openvino/openvino_model.xml', xml)
    write('openvino/openvino_model.bin', weights)
    from gensim.models import KeyedVectors
    kv = KeyedVectors(4)
    kv.add_vectors(['king', 'queen', 'man', 'woman'], rng.rand(4, 4).astype(np.float32))
    path = write('vectors/GoogleNews-tiny.bin', b'')
    kv.save_word2vec_format(path, binary=True)
    import fasttext
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write(('the cat sat on the mat the dog sat on the log ' * 20 + '\n') * 5)
    ft = fasttext.train_unsupervised(f.name, dim=4, epoch=1, minCount=1, bucket=100, thread=1, verbose=0)
    ft.save_model(os.path.join(OUT, 'vectors', 'cc.tiny.bin'))
    os.unlink(f.name)
    import xgboost as xgb
    X = rng.rand(40, 3)
    y = (X[:, 0] > 0.5).astype(int)
    booster = xgb.XGBClassifier(n_estimators=2, max_depth=2).fit(X, y).get_booster()
    os.makedirs(os.path.join(OUT, 'xgboost'), exist_ok=True)
    booster.save_model(os.path.join(OUT, 'xgboost', 'model.json'))
    booster.save_model(os.path.join(OUT, 'xgboost', 'model.ubj'))
    write('xgboost/model.bin', bytes(booster.save_raw(raw_format='deprecated')))
    import joblib
    joblib.dump(xgb.XGBClassifier(n_estimators=2, max_depth=2).fit(X, y), os.path.join(OUT, 'xgboost', 'classifier.joblib'))
    # An ONNX model with its external data beside it.
    import onnx
    from onnx import helper, TensorProto, numpy_helper
    w = numpy_helper.from_array(rng.rand(4, 3).astype(np.float32), 'w')
    g = helper.make_graph([helper.make_node('MatMul', ['x', 'w'], ['y'])], 'g',
                          [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 3])], [w])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])
    os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
    onnx.save_model(m, os.path.join(OUT, 'onnx', 'model.onnx'), save_as_external_data=True, all_tensors_to_one_file=True,
                    location='model.onnx_data', size_threshold=0)
    # TFLite with its metadata zip appended (tflite_support's MetadataPopulator does this with zipfile in append mode).
    with open(os.path.join(ROOT, 'test', 'fixtures', 'tflite', 'clean__builtin-ops.tflite'), 'rb') as f:
        model = f.read()
    buf = io.BytesIO(model)
    with zipfile.ZipFile(buf, 'a') as z:
        z.writestr('labels.txt', 'background\ncat\ndog\nbicycle\n')
    write('tflite/model_with_metadata.tflite', buf.getvalue())


def repository_internals():
    write('macos/.DS_Store', formats.ds_store())
    # A model repository as git clones it: files, an LFS pointer in place of the weights, packs after gc, then loose objects.
    repo = os.path.join(OUT, 'git-clone')
    os.makedirs(repo, exist_ok=True)
    env = {**os.environ, 'GIT_AUTHOR_NAME': 'm', 'GIT_AUTHOR_EMAIL': 'm@example.org', 'GIT_COMMITTER_NAME': 'm',
           'GIT_COMMITTER_EMAIL': 'm@example.org', 'GIT_AUTHOR_DATE': '2024-01-01T00:00:00Z', 'GIT_COMMITTER_DATE': '2024-01-01T00:00:00Z'}
    git = lambda *a: subprocess.run(['git', '-C', repo, *a], check=True, env=env, capture_output=True)  # noqa: E731
    git('init', '-q', '-b', 'main')
    with open(os.path.join(repo, 'config.json'), 'w') as f:
        json.dump({'model_type': 'bert', 'hidden_size': 4}, f)
    with open(os.path.join(repo, '.gitattributes'), 'w') as f:
        f.write('*.safetensors filter=lfs diff=lfs merge=lfs -text\n')
    with open(os.path.join(repo, 'model.safetensors'), 'w') as f:
        f.write('version https://git-lfs.github.com/spec/v1\noid sha256:' + 'ab' * 32 + '\nsize 437985387\n')
    git('add', '-A')
    git('commit', '-q', '-m', 'initial')
    git('gc', '-q')
    with open(os.path.join(repo, 'README.md'), 'w') as f:
        f.write('# tiny\n')
    git('add', '-A')
    git('commit', '-q', '-m', 'readme')
    # Hooks are sample shell scripts; keep the clone small and deterministic.
    shutil.rmtree(os.path.join(repo, '.git', 'hooks'), ignore_errors=True)
    # Our repository would apply the clone's .gitattributes (LFS filters) to the fixture: it stays in the pack only.
    os.unlink(os.path.join(repo, '.gitattributes'))
    # A repository cannot track another's .git folder: the clone's is committed as `dotgit` (content decides, not names).
    os.rename(os.path.join(repo, '.git'), os.path.join(repo, 'dotgit'))
    # A Hugging Face hub cache: blobs by hash, refs, snapshots linking into blobs, .no_exist and .locks markers.
    cache = os.path.join(OUT, 'hf-cache', 'hub')
    repo_dir = os.path.join(cache, 'models--org--tiny')
    rev = '0123456789abcdef0123456789abcdef01234567'
    files = {'config.json': json.dumps({'model_type': 'gpt2'}).encode(), 'tokenizer.json': b'{"version":"1.0"}'}
    import hashlib
    for name, data in files.items():
        digest = hashlib.sha256(data).hexdigest()
        write(f'hf-cache/hub/models--org--tiny/blobs/{digest}', data)
        link = os.path.join(repo_dir, 'snapshots', rev, name)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.join('..', '..', 'blobs', digest), link)
        write(f'hf-cache/hub/.locks/models--org--tiny/{digest}.lock', b'')
    write(f'hf-cache/hub/models--org--tiny/refs/main', rev)
    write(f'hf-cache/hub/models--org--tiny/.no_exist/{rev}/adapter_config.json', b'')


if __name__ == '__main__':
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    media()
    data_containers()
    spacy_like()
    model_formats()
    repository_internals()
    n = sum(len(fs) for _, _, fs in os.walk(OUT))
    print(f'wrote {n} files under {OUT}')
