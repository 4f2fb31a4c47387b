/**
 * The audit hook (PEP 578, `sys.addaudithook`) installed in the loader
 * process before anything else runs. CPython raises an audit event *before*
 * the action (an `os.system` event precedes the fork), so a call is on the
 * evidence channel before it can do anything about the channel.
 *
 * What it classifies as a sink (the kinds in `evidence.ts`):
 *  - process: os.system, subprocess.Popen, exec*, spawn*, posix_spawn, fork,
 *    forkpty, kill, webbrowser.open;
 *  - code: exec/eval of code outside a module import, building functions or
 *    code objects (`function.__new__`, `code.__new__`);
 *  - native: ctypes library loads and symbol lookups outside a module import;
 *  - network: socket creation, connect, bind, DNS, urllib/http clients;
 *  - file-write: open for writing, remove, rename, chmod, mkdir, temp files;
 *  - file-read: reads outside the input folder and the system library paths
 *    (ONNX external-data traversal, /etc/passwd);
 *  - tamper: adding audit hooks, walking the garbage collector's objects.
 * Imports and `pickle.find_class` lookups are recorded as plain events.
 * Events before the load phase (importing torch itself) are not recorded.
 */
export const HOOK_PY = String.raw`
import json, os, sys

_EVIDENCE_FD = 3
_MAX_PLAIN = 1500
_MAX_SINKS = 5000
# Modules whose own exec calls are part of the library (set by a loader's prepare).
_EXEC_OK_MODULES = set()
_state = {'phase': 'prepare', 'busy': False, 'plain': 0, 'sinks': 0, 'seq': 0}

_PROCESS = {'os.system', 'subprocess.Popen', 'os.exec', 'os.spawn', 'os.posix_spawn', 'os.fork',
            'os.forkpty', 'os.kill', 'os.killpg', 'webbrowser.open', 'os.startfile', 'pty.spawn'}
_NETWORK = {'socket.__new__', 'socket.connect', 'socket.bind', 'socket.getaddrinfo', 'socket.gethostbyname',
            'socket.gethostbyname_ex', 'socket.gethostbyaddr', 'socket.getnameinfo', 'socket.sendto',
            'socket.sendmsg', 'socket.getservbyname', 'urllib.Request', 'http.client.connect',
            'ftplib.connect', 'smtplib.connect', 'imaplib.open', 'poplib.connect', 'telnetlib.Telnet.open',
            'nntplib.connect'}
_FILE_WRITE = {'os.remove', 'os.rename', 'os.rmdir', 'os.mkdir', 'os.chmod', 'os.chown', 'os.link',
               'os.symlink', 'os.truncate', 'os.utime', 'shutil.rmtree', 'shutil.copyfile', 'shutil.move',
               'shutil.copytree', 'tempfile.mkstemp', 'tempfile.mkdtemp', 'os.chflags', 'os.setxattr',
               'os.removexattr', 'shutil.unpack_archive', 'shutil.make_archive'}
_CODE = {'function.__new__', 'code.__new__'}
_NATIVE = {'ctypes.dlopen', 'ctypes.dlsym', 'ctypes.dlsym/handle', 'ctypes.cdata', 'ctypes.call_function',
           'ctypes.string_at', 'ctypes.wstring_at', 'ctypes.addressof', 'ctypes.set_errno'}
_TAMPER = {'sys.addaudithook', 'gc.get_referrers', 'gc.get_referents', 'gc.get_objects', 'sys._current_frames'}
_PLAIN = {'import', 'pickle.find_class', 'marshal.loads', 'marshal.load', 'os.listdir', 'os.scandir',
          'glob.glob', 'os.chdir', 'os.putenv', 'os.unsetenv', 'sys.setprofile', 'sys.settrace',
          'builtins.input', 'resource.setrlimit', 'resource.prlimit', 'mmap.__new__', 'exec', 'open'}
_READ_OK = ('/in/', '/mg/', '/tmp/', '/usr/', '/proc/self/', '/sys/devices/system/cpu/', '/sys/fs/cgroup/', '/dev/null',
            '/dev/urandom', '/dev/shm/', '/etc/ld.so.cache', '/etc/alternatives/')
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

def _short(value, depth=0):
    # Never calls a payload-defined __repr__: only builtin types are rendered.
    t = type(value)
    if t is str:
        return value[:240]
    if t is bytes or t is bytearray:
        return repr(bytes(value[:240]))
    if t in (int, float, bool) or value is None:
        return repr(value)
    if (t is tuple or t is list) and depth < 2:
        return '(' + ', '.join(_short(v, depth + 1) for v in value[:8]) + ')'
    code = getattr(t, '__name__', '?')
    if code == 'code':
        return '<code ' + _short(value.co_name) + ' from ' + _short(value.co_filename) + '>'
    return '<' + code + '>'

def _in_import():
    # True while a module's top-level code runs (importlib's exec_module frames).
    f = sys._getframe(2)
    n = 0
    while f is not None and n < 64:
        if f.f_code.co_name == '_call_with_frames_removed':
            return True
        f = f.f_back
        n += 1
    return False

def _caller_module():
    # Frame 3: whoever called the audited builtin (0 is this, 1 _classify, 2 _hook).
    try:
        return sys._getframe(3).f_globals.get('__name__')
    except ValueError:
        return None

def _emit(record):
    _state['seq'] += 1
    record['seq'] = _state['seq']
    data = json.dumps(record, separators=(',', ':'))[:3800] + '\n'
    try:
        os.write(_EVIDENCE_FD, data.encode('utf-8', 'replace'))
    except OSError:
        pass

def _open_kind(args):
    path, mode, flags = (list(args) + [None, None, None])[:3]
    writes = (isinstance(mode, str) and any(c in mode for c in 'wax+')) or (isinstance(flags, int) and flags & _WRITE_FLAGS)
    if writes:
        return 'file-write'
    if isinstance(path, bytes):
        path = path.decode('utf-8', 'replace')
    if not isinstance(path, str):
        return None
    full = os.path.normpath(os.path.join(os.getcwd(), path))
    if full.startswith(_READ_OK) or full + '/' in _READ_OK:
        return None
    return 'file-read'

def _classify(event, args):
    if event in _PROCESS or event.startswith('os.exec') or event.startswith('os.spawn'):
        return 'process'
    if event in _NETWORK:
        return 'network'
    if event in _FILE_WRITE:
        return 'file-write'
    if event == 'open':
        return _open_kind(args)
    if event in _CODE:
        # Cython and dataclass machinery build code objects while a module imports.
        return None if _in_import() else 'code'
    if event == 'exec':
        return None if _in_import() or _caller_module() in _EXEC_OK_MODULES else 'code'
    if event in _NATIVE:
        return None if _in_import() else 'native'
    if event in _TAMPER:
        return 'tamper'
    return None

def _hook(event, args):
    if _state['busy'] or _state['phase'] != 'load':
        return
    if not (event in _PLAIN or event in _PROCESS or event in _NETWORK or event in _FILE_WRITE or event in _CODE
            or event in _NATIVE or event in _TAMPER or event.startswith('os.exec') or event.startswith('os.spawn')):
        return
    _state['busy'] = True
    try:
        kind = _classify(event, args)
        if kind is None:
            if event == 'open' or event == 'exec' or _state['plain'] >= _MAX_PLAIN:
                return
            _state['plain'] += 1
            _emit({'t': 'event', 'event': event, 'args': _short(args)})
        elif _state['sinks'] < _MAX_SINKS:
            _state['sinks'] += 1
            _emit({'t': 'event', 'event': event, 'sink': kind, 'args': _short(args)})
    except Exception as e:
        _emit({'t': 'hook-error', 'event': event, 'error': type(e).__name__})
    finally:
        _state['busy'] = False

def install_hook():
    sys.addaudithook(_hook)

def set_phase(phase):
    _state['phase'] = phase
    _emit({'t': 'phase', 'phase': phase})
`;
