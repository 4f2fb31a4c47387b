/**
 * How `Unpickler.find_class` turns (module, name) into an object's identity.
 *
 * - Python 2 names are mapped to Python 3 ones (`_compat_pickle`, applied by
 *   CPython when the protocol is < 3 and `fix_imports` is on, the default).
 *   We apply the mapping at every protocol: `__builtin__ eval` is
 *   `builtins.eval` to anyone reading the file (CPython's data table,
 *   transcribed from Lib/_compat_pickle.py).
 * - A dotted name (`os.system` under module `torch.serialization`) is
 *   resolved attribute by attribute (`_getattribute`), so the identity is the
 *   full path; the policy then checks each component.
 */

const IMPORT_MAPPING: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  Queue: 'queue',
  SocketServer: 'socketserver',
  ConfigParser: 'configparser',
  repr: 'reprlib',
  tkFileDialog: 'tkinter.filedialog',
  tkSimpleDialog: 'tkinter.simpledialog',
  tkColorChooser: 'tkinter.colorchooser',
  tkCommonDialog: 'tkinter.commondialog',
  Dialog: 'tkinter.dialog',
  Tkdnd: 'tkinter.dnd',
  tkFont: 'tkinter.font',
  tkMessageBox: 'tkinter.messagebox',
  ScrolledText: 'tkinter.scrolledtext',
  Tkconstants: 'tkinter.constants',
  Tix: 'tkinter.tix',
  ttk: 'tkinter.ttk',
  Tkinter: 'tkinter',
  markupbase: '_markupbase',
  _winreg: 'winreg',
  thread: '_thread',
  dummy_thread: '_dummy_thread',
  dbhash: 'dbm.bsd',
  dumbdbm: 'dbm.dumb',
  dbm: 'dbm.ndbm',
  gdbm: 'dbm.gnu',
  xmlrpclib: 'xmlrpc.client',
  SimpleXMLRPCServer: 'xmlrpc.server',
  httplib: 'http.client',
  htmlentitydefs: 'html.entities',
  HTMLParser: 'html.parser',
  Cookie: 'http.cookies',
  cookielib: 'http.cookiejar',
  BaseHTTPServer: 'http.server',
  'test.test_support': 'test.support',
  commands: 'subprocess',
  urlparse: 'urllib.parse',
  robotparser: 'urllib.robotparser',
  urllib2: 'urllib.request',
  anydbm: 'dbm',
  _abcoll: 'collections.abc',
  // Python 3 additions in the same table
  cPickle: 'pickle',
  _elementtree: 'xml.etree.ElementTree',
  FileDialog: 'tkinter.filedialog',
  SimpleDialog: 'tkinter.simpledialog',
  DocXMLRPCServer: 'xmlrpc.server',
  SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  whichdb: 'dbm',
  StringIO: 'io',
  cStringIO: 'io',
};

const NAME_MAPPING: Readonly<Record<string, readonly [string, string]>> = {
  '__builtin__.xrange': ['builtins', 'range'],
  '__builtin__.reduce': ['functools', 'reduce'],
  '__builtin__.intern': ['sys', 'intern'],
  '__builtin__.unichr': ['builtins', 'chr'],
  '__builtin__.unicode': ['builtins', 'str'],
  '__builtin__.long': ['builtins', 'int'],
  'itertools.izip': ['builtins', 'zip'],
  'itertools.imap': ['builtins', 'map'],
  'itertools.ifilter': ['builtins', 'filter'],
  'itertools.ifilterfalse': ['itertools', 'filterfalse'],
  'itertools.izip_longest': ['itertools', 'zip_longest'],
  'UserDict.IterableUserDict': ['collections', 'UserDict'],
  'UserList.UserList': ['collections', 'UserList'],
  'UserString.UserString': ['collections', 'UserString'],
  'whichdb.whichdb': ['dbm', 'whichdb'],
  '_socket.fromfd': ['socket', 'fromfd'],
  '_multiprocessing.Connection': ['multiprocessing.connection', 'Connection'],
  'multiprocessing.process.Process': ['multiprocessing.context', 'Process'],
  'multiprocessing.forking.Popen': ['multiprocessing.popen_fork', 'Popen'],
  'urllib.ContentTooShortError': ['urllib.error', 'ContentTooShortError'],
  'urllib.getproxies': ['urllib.request', 'getproxies'],
  'urllib.pathname2url': ['urllib.request', 'pathname2url'],
  'urllib.quote_plus': ['urllib.parse', 'quote_plus'],
  'urllib.quote': ['urllib.parse', 'quote'],
  'urllib.unquote_plus': ['urllib.parse', 'unquote_plus'],
  'urllib.unquote': ['urllib.parse', 'unquote'],
  'urllib.url2pathname': ['urllib.request', 'url2pathname'],
  'urllib.urlcleanup': ['urllib.request', 'urlcleanup'],
  'urllib.urlencode': ['urllib.parse', 'urlencode'],
  'urllib.urlopen': ['urllib.request', 'urlopen'],
  'urllib.urlretrieve': ['urllib.request', 'urlretrieve'],
  'urllib2.HTTPError': ['urllib.error', 'HTTPError'],
  'urllib2.URLError': ['urllib.error', 'URLError'],
  '__builtin__.basestring': ['builtins', 'str'],
  'exceptions.StandardError': ['builtins', 'Exception'],
  'UserDict.UserDict': ['collections', 'UserDict'],
  'socket._socketobject': ['socket', 'SocketType'],
};

/** Python 2 `exceptions` module names all live in `builtins` now. */
const PY2_EXCEPTIONS_MODULE = 'exceptions';

/** Maps a Python 2 (module, name) to its Python 3 identity, as `_compat_pickle` does. */
const PY2_MODULES: ReadonlySet<string> = new Set([
  ...Object.keys(IMPORT_MAPPING),
  ...Object.keys(NAME_MAPPING).map((k) => k.slice(0, k.lastIndexOf('.'))),
  'exceptions',
]);

export function mapPy2(module: string, name: string): [string, string] {
  if (!PY2_MODULES.has(module)) return [module, name];
  const byName = NAME_MAPPING[`${module}.${name}`];
  if (byName !== undefined) return [byName[0], byName[1]];
  if (module === PY2_EXCEPTIONS_MODULE) return ['builtins', name];
  const mod = IMPORT_MAPPING[module];
  return [mod ?? module, name];
}

/** Splits `a.b.c` into components; empty components (`a..b`) are kept so they can be flagged. */
export function components(path: string): string[] {
  return path.split('.');
}

export function isDunder(s: string): boolean {
  return s.length > 4 && s.startsWith('__') && s.endsWith('__');
}

/** A Python identifier (ASCII subset; non-ASCII identifiers never name what we allow). */
export function isIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

/** CapWords: how Python classes are named (PEP 8); used to tell classes from functions in trusted namespaces. */
export function isClassName(s: string): boolean {
  return /^_?[A-Z][A-Za-z0-9_]*$/.test(s);
}
