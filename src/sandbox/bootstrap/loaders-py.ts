/**
 * The loaders, as the Python ecosystem calls them, and the loader process's
 * main (`run_loader`). Each loader is a pair: `prepare` imports the library
 * (not recorded: importing torch is not the model's doing), `load` opens the
 * model through the library's usual call, with the options a careless user
 * passes (`allow_pickle=True`, torch.load's pre-2.6 default), because the
 * point is to see what the file does when it is given the chance.
 *
 * The model arrives as fd 5, opened by the host, so the sandbox user needs no
 * access to the model's path; it is presented as `/in/<name>` (ONNX and Keras
 * resolve companions against that folder, which the host binds when needed).
 * The loader process never leaves the load phase: destructors, exception
 * `__str__` and atexit handlers of the payload run under the hook too, and
 * the process ends with `os._exit`.
 */
export const LOADERS_PY = String.raw`
import io
_SAMPLE_CHAT = [
    {'role': 'system', 'content': 'You are a helpful assistant.'},
    {'role': 'user', 'content': 'Hello'},
    {'role': 'assistant', 'content': 'Hi, how can I help?'},
    {'role': 'user', 'content': 'Tell me a joke.'},
]

def _prep_torch():
    import torch
    torch.set_num_threads(1)
    return torch

def _load_torch(torch, f, config):
    return torch.load(f, map_location='cpu')

def _load_torch_weights_only(torch, f, config):
    return torch.load(f, map_location='cpu', weights_only=True)

def _prep_pickle():
    import pickle, gzip, bz2, lzma
    return (pickle, gzip, bz2, lzma)

def _load_pickle(mods, f, config):
    pickle, gzip, bz2, lzma = mods
    head = f.peek(6)[:6]
    if head[:2] == b'\x1f\x8b':
        f = gzip.GzipFile(fileobj=f)
    elif head[:3] == b'BZh':
        f = bz2.BZ2File(f)
    elif head[:6] == b'\xfd7zXZ\x00':
        f = lzma.LZMAFile(f)
    return pickle.load(f)

def _prep_numpy():
    import numpy
    return numpy

def _load_numpy(np, f, config):
    loaded = np.load(f, allow_pickle=True)
    if hasattr(loaded, 'files'):
        return [loaded[k] for k in loaded.files]
    return loaded

def _prep_joblib():
    import joblib
    return joblib

def _load_joblib(joblib, f, config):
    return joblib.load(f)

def _prep_onnx():
    import onnx
    return onnx

def _load_onnx(onnx, f, config):
    return onnx.load(f)

def _prep_keras():
    try:
        import keras
    except ImportError:
        from tensorflow import keras
    return keras

def _load_keras(keras, f, config):
    path = f.name
    try:
        return keras.models.load_model(path, compile=False, safe_mode=False)
    except TypeError:
        return keras.models.load_model(path, compile=False)

def _prep_jinja():
    import jinja2
    # Jinja compiles each template to Python and execs it: that exec is the
    # library's own, not the template's.
    _EXEC_OK_MODULES.add('jinja2.environment')
    return jinja2

def _load_jinja(jinja2, f, config):
    # A plain Environment, as llama-cpp-python used before CVE-2024-34359 was
    # fixed: shows what the template does when nothing stops it.
    env = jinja2.Environment(loader=jinja2.BaseLoader())
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)
    env.globals['raise_exception'] = raise_exception
    template = env.from_string(config['template'])
    return template.render(messages=_SAMPLE_CHAT, add_generation_prompt=True, bos_token='<s>', eos_token='</s>')

LOADERS = {
    'torch': (_prep_torch, _load_torch),
    'torch-weights-only': (_prep_torch, _load_torch_weights_only),
    'pickle': (_prep_pickle, _load_pickle),
    'numpy': (_prep_numpy, _load_numpy),
    'joblib': (_prep_joblib, _load_joblib),
    'onnx': (_prep_onnx, _load_onnx),
    'keras': (_prep_keras, _load_keras),
    'jinja-template': (_prep_jinja, _load_jinja),
}

EXIT_LOADED = 0
EXIT_LOAD_ERROR = 10
EXIT_UNAVAILABLE = 11

def _model_file(name):
    raw = io.FileIO(MODEL_FD, 'rb', closefd=True)
    raw.name = '/in/' + name
    return io.BufferedReader(raw)

def run_loader(config):
    install_hook()
    for var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
        os.environ[var] = '1'
    # A honeypot browser: with an empty environment webbrowser.open finds no
    # browser and does nothing visible; with one, the launch shows as a process.
    os.environ['BROWSER'] = 'true'
    prepare, load = LOADERS[config['loader']]
    try:
        library = prepare()
    except ImportError as e:
        _emit({'t': 'unavailable', 'loader': config['loader'], 'error': _short(str(e))})
        os._exit(EXIT_UNAVAILABLE)
    f = _model_file(config['name'])
    set_phase('load')
    try:
        result = load(library, f, config)
    except BaseException as e:
        _emit({'t': 'load-error', 'error': _short(type(e).__name__) + ': ' + _short(e.args)})
        os._exit(EXIT_LOAD_ERROR)
    _emit({'t': 'loaded', 'type': _short(type(result).__name__)})
    os._exit(EXIT_LOADED)
`;
