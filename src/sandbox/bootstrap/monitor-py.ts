/**
 * The Python program that runs first inside the sandbox (`/mg/bootstrap.py`),
 * shipped as a string so the package needs no resource files next to `dist/`.
 *
 * Two processes, so the evidence has a part the payload cannot forge:
 *  - the monitor (this script's first process) forks the loader process, then
 *    marks itself non-dumpable (the loader cannot read its memory through
 *    /proc; ptrace is denied by seccomp) and only then reads the run key from
 *    fd 4 (which the loader closed before running anything), waits for the
 *    loader, lists the files left in the sandbox's tmpfs, and writes one final
 *    record authenticated with HMAC-SHA256 under that key;
 *  - the loader process installs the audit hook (`hook-py.ts`) before it
 *    imports or opens anything, then runs the chosen loader (`loaders-py.ts`).
 * Both write JSON lines to fd 3 (the evidence channel, opened by the host
 * before the sandbox starts). The loader's records are a lower bound: a
 * payload can add lines or close the channel, but not take back a record
 * already written, and every audit event is written before the action it
 * announces takes place.
 *
 * Kept free of backticks and dollar-brace so it can live in a template string.
 */
import { HOOK_PY } from './hook-py.js';
import { LOADERS_PY } from './loaders-py.js';

const MONITOR_PY = String.raw`
import hmac, hashlib, json, os, stat, sys

EVIDENCE_FD = 3
KEY_FD = 4
MODEL_FD = 5
MAX_FILES = 200
MAX_DEPTH = 8
SCRATCH = ('/tmp', '/dev/shm')

def _write(fd, record):
    data = json.dumps(record, separators=(',', ':'), default=str)[:3800] + '\n'
    try:
        os.write(fd, data.encode('utf-8', 'replace'))
    except OSError:
        pass

def _list_scratch():
    files = []
    stack = [(d, 0) for d in SCRATCH]
    while stack and len(files) < MAX_FILES:
        path, depth = stack.pop()
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            if depth >= MAX_DEPTH:
                continue
            try:
                names = sorted(os.listdir(path))[:MAX_FILES]
            except OSError:
                continue
            stack.extend((os.path.join(path, n), depth + 1) for n in reversed(names))
            continue
        if path in SCRATCH:
            continue
        entry = {'path': path, 'size': st.st_size, 'mode': oct(st.st_mode & 0o7777)}
        if stat.S_ISREG(st.st_mode):
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                try:
                    entry['head'] = os.read(fd, 64).decode('utf-8', 'backslashreplace')
                finally:
                    os.close(fd)
            except OSError:
                pass
        else:
            entry['type'] = 'symlink' if stat.S_ISLNK(st.st_mode) else 'other'
        files.append(entry)
    return files

def _nondumpable():
    # prctl(PR_SET_DUMPABLE, 0): same-uid processes lose /proc/<pid>/mem and friends.
    try:
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
    except Exception:
        pass

def monitor(config):
    pid = os.fork()
    if pid == 0:
        os.close(KEY_FD)
        run_loader(config)
        os._exit(0)
    os.close(MODEL_FD)
    _nondumpable()
    key = b''
    while len(key) < 64:
        chunk = os.read(KEY_FD, 64 - len(key))
        if not chunk:
            break
        key += chunk
    os.close(KEY_FD)
    _, status = os.waitpid(pid, 0)
    record = {'t': 'final', 'files': _list_scratch()}
    if os.WIFEXITED(status):
        record['exit'] = os.WEXITSTATUS(status)
    elif os.WIFSIGNALED(status):
        record['signal'] = os.WTERMSIG(status)
    body = json.dumps(record, sort_keys=True, separators=(',', ':'))
    mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    os.write(EVIDENCE_FD, (json.dumps({'t': 'sealed', 'body': body, 'mac': mac}) + '\n').encode())
    os._exit(0)
`;

/** The whole bootstrap: hook, loaders, monitor, entry point (config as argv[1] JSON). */
export const BOOTSTRAP_PY = [
  HOOK_PY,
  LOADERS_PY,
  MONITOR_PY,
  String.raw`
def _stdio_transport(config):
    # Backends that pass only stdio (gVisor's runsc do): evidence leaves on
    # stdout, the key arrives on stdin, the model is opened by path. Moved to
    # the usual descriptors before anything else runs.
    os.dup2(1, EVIDENCE_FD)
    os.dup2(0, KEY_FD)
    devnull = os.open('/dev/null', os.O_RDWR)
    os.dup2(2, 1)
    os.dup2(devnull, 0)
    fd = os.open(config['modelPath'], os.O_RDONLY)
    os.dup2(fd, MODEL_FD)
    os.close(fd)

if __name__ == '__main__':
    # Backends with short argv limits (firejail) prepend _CONFIG to the script on stdin.
    _config = json.loads(globals().get('_CONFIG') or sys.argv[1])
    if _config.get('transport') == 'stdio':
        _stdio_transport(_config)
    monitor(_config)
`,
].join('\n');
