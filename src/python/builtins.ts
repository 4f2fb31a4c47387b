/** Names Python resolves from `builtins` when no scope binds them (CPython 3.11, plus the `site` helpers). */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set(
  (
    'ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError BrokenPipeError BufferError BytesWarning ' +
    'ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError Ellipsis ' +
    'EncodingWarning EnvironmentError Exception ExceptionGroup FileExistsError FileNotFoundError FloatingPointError FutureWarning GeneratorExit ' +
    'IOError ImportError ImportWarning IndentationError IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError ' +
    'MemoryError ModuleNotFoundError NameError NotADirectoryError NotImplemented NotImplementedError OSError OverflowError ' +
    'PendingDeprecationWarning PermissionError ProcessLookupError RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning ' +
    'StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError TypeError UnboundLocalError ' +
    'UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ValueError Warning ZeroDivisionError ' +
    '__build_class__ __import__ abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex ' +
    'copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr globals hasattr hash help hex id ' +
    'input int isinstance issubclass iter len license list locals map max memoryview min next object oct open ord pow print property quit ' +
    'range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip __builtins__ __name__ __file__ __doc__'
  ).split(' '),
);

/**
 * Attributes that walk from any object to arbitrary others (a function's
 * globals, a class's subclasses, a frame's namespace): the classic escape
 * from restricted code. Reaching one is `malicious` whatever the object.
 */
export const ESCAPE_ATTRS: ReadonlySet<string> = new Set([
  '__globals__',
  '__subclasses__',
  '__builtins__',
  '__code__',
  '__closure__',
  '__getattribute__',
  '__reduce__',
  '__reduce_ex__',
  '__import__',
  '__loader__',
  '__spec__',
  '__func__',
  '__self__',
  '__mro__',
  '__base__',
  '__bases__',
  '__subclasshook__',
  'f_globals',
  'f_locals',
  'f_back',
  'f_builtins',
  'f_code',
  'gi_frame',
  'gi_code',
  'tb_frame',
  'tb_next',
  'cr_frame',
  'co_code',
  'func_globals',
  'func_code',
  'im_func',
]);
