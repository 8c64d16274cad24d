"""The one sandbox that runs BPMN Python (scripts, conditions, timers, service parameters) at run time and in checks."""

from __future__ import annotations

import builtins as _builtins
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from engine.sandbox_policy import (
    CATCHABLE,
    FORMAT_ATTRS,
    FRAME_ATTRS,
    MAX_FORMAT_WIDTH,
    SANDBOX_FILE,
    ScriptRefused,
    compile_text,
)

MAX_STEPS = 100_000  # line events in script code: far beyond any real script, short of a hang
MAX_SECONDS = 2.0
MAX_LENGTH = 1_000_000  # characters or items in one string or list made by an operator or method
MAX_UNITS = 10_000_000  # everything made in one run, added up: a cap on memory when loops build data
MAX_INT_BITS = 100_000

_PLAIN = ("abs", "all", "any", "bool", "callable", "chr", "dict", "divmod", "enumerate", "filter", "float",
          "frozenset", "int", "isinstance", "len", "list", "map", "max", "min", "next", "ord", "repr",
          "reversed", "round", "set", "sorted", "str", "tuple", "zip", *sorted(CATCHABLE))
_SAFE_BUILTINS: dict[str, Any] = {name: getattr(_builtins, name) for name in _PLAIN}
_SAFE_BUILTINS |= {"True": True, "False": False, "None": None}
BUILTIN_NAMES = frozenset(_SAFE_BUILTINS) | {"range", "pow", "sum"}


class _OutOfBudget(BaseException):
    """Raised by the tracer; a BaseException so that `except Exception` in a script cannot swallow it."""


class _Run:
    """One run's budget and the guards bound to it."""

    def __init__(self) -> None:
        self.steps = 0
        self.units = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.stopped: str | None = None

    def charge(self, size: int) -> None:
        """Count data made by this run; refuse past the limits."""
        if size > MAX_LENGTH:
            raise ScriptRefused(f"生成的字符串或列表过大（{size} 个元素，上限 {MAX_LENGTH}）")
        self.units += size
        if self.units > MAX_UNITS:
            raise ScriptRefused(f"脚本生成的数据超过上限（{MAX_UNITS} 个元素）")

    def trace(self, frame: Any, event: str, arg: Any) -> Callable | None:
        """Trace only frames of sandboxed code, so helpers and the engine run at full speed."""
        return self.line if frame.f_code.co_filename == SANDBOX_FILE else None

    def line(self, frame: Any, event: str, arg: Any) -> Callable | None:
        """Count lines (loops jump back to a line, so each turn counts) and stop past the budget."""
        if event == "line":
            self.steps += 1
            if self.steps > MAX_STEPS:
                self.stopped = f"脚本运行超过步数上限（{MAX_STEPS} 步），可能是死循环"
            elif not self.steps % 256 and time.monotonic() > self.deadline:
                self.stopped = f"脚本运行超过时间上限（{MAX_SECONDS:g} 秒），可能是死循环"
            if self.stopped:
                raise _OutOfBudget
        return self.line

    # --- guards named by RestrictedPython's compiled code ---

    def getattr(self, obj: Any, name: str, default: Any = None) -> Any:
        """Read an attribute unless it is private, a frame/code link or a format method."""
        if name.startswith("_"):
            raise ScriptRefused(f"不允许访问以下划线开头的属性 {name}")
        if name in FRAME_ATTRS:
            raise ScriptRefused(f"不允许访问运行帧或代码对象的属性 {name}")
        if name in FORMAT_ATTRS:
            raise ScriptRefused(f"不允许使用 {name}()（它能读出对象内部属性）")
        if obj in (str, bytes, list) and (name in _STR_SIZERS or name == "extend"):
            raise ScriptRefused(f"请直接在对象上调用 {name}()，不要通过类型调用")
        value = getattr(obj, name)
        if isinstance(obj, (str, bytes)) and name in _STR_SIZERS:
            return _sized(self, value, _STR_SIZERS[name], obj)
        if isinstance(obj, list) and name == "extend":
            return lambda items: obj.extend(self.materialize(items, len(obj)))
        return value

    def materialize(self, items: Iterable, start: int = 0) -> list:
        """Turn an iterable into a list, refusing one that grows past the size limit."""
        result = list(items) if isinstance(items, (list, tuple, str, range, dict, set, frozenset)) else []
        if not result and not isinstance(items, (list, tuple, str, range, dict, set, frozenset)):
            for item in items:
                result.append(item)
                if len(result) + start > MAX_LENGTH:
                    break
        self.charge(len(result) + start)
        return result

    def binop(self, op: str, left: Any, right: Any) -> Any:
        """Apply *, **, <<, + or %, refusing results that would be huge."""
        if op == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                if right * left.bit_length() > MAX_INT_BITS:
                    raise ScriptRefused(f"乘方结果过大（约 {right * left.bit_length()} 位）")
            return left**right
        if op == "<<":
            if isinstance(right, int) and right > MAX_INT_BITS:
                raise ScriptRefused("移位结果过大")
            return left << right
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
                    self.charge(len(seq) * max(times, 0))
            both_int = isinstance(left, int) and isinstance(right, int)
            if both_int and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise ScriptRefused("乘积过大")
            return left * right
        if op == "+":
            if isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
                self.charge(len(left) + len(right))
            return left + right
        if isinstance(left, (str, bytes)):  # %-formatting: a width such as %9999999999d makes a huge string
            spec = str(left)
            if "*" in spec or any(int(n) > MAX_FORMAT_WIDTH for n in _digits(spec)):
                raise ScriptRefused(f"% 格式化的宽度超过 {MAX_FORMAT_WIDTH}")
        return left % right

    def inplacevar(self, op: str, left: Any, right: Any) -> Any:
        """`x op= y`: the same guards as the plain operator."""
        plain = op[:-1]
        if plain in ("*", "**", "<<", "+", "%"):
            return self.binop(plain, left, right)
        return _INPLACE[plain](left, right)

    def range(self, *args: int) -> range:
        """Python's range, refused past the size limit."""
        result = range(*args)
        self.charge(len(result))
        return result

    def sum(self, items: Iterable, start: Any = 0) -> Any:
        """Python's sum, counting what adding lists or tuples together makes."""
        items = self.materialize(items)
        if not isinstance(start, (int, float)):
            self.charge(len(start) + sum(len(x) for x in items if isinstance(x, (str, bytes, list, tuple))))
        return sum(items, start)

    def pow(self, base: Any, exp: Any, mod: Any = None) -> Any:
        """Python's pow with the ** guard (a modulus keeps it small)."""
        return pow(base, exp, mod) if mod is not None else self.binop("**", base, exp)


def _digits(text: str) -> list[str]:
    return [part for part in "".join(c if c.isdigit() else " " for c in text).split()]


def _sized(run: _Run, method: Callable, size_of: Callable[..., int], obj: str) -> Callable:
    """Wrap a str method so its result size is checked before it is made."""

    def call(*args: Any) -> Any:
        if method.__name__ == "join":
            args = (run.materialize(args[0]),)
            run.charge(sum(len(x) for x in args[0] if isinstance(x, str)) + len(obj) * len(args[0]))
        else:
            run.charge(size_of(obj, *args))
        return method(*args)

    return call


_STR_SIZERS: dict[str, Callable[..., int]] = {
    "ljust": lambda s, w, *_: int(w), "rjust": lambda s, w, *_: int(w), "center": lambda s, w, *_: int(w),
    "zfill": lambda s, w: int(w), "expandtabs": lambda s, t=8: len(s) * max(int(t), 1),
    "replace": lambda s, old, new, *_: len(s) + (s.count(old) if old else len(s) + 1) * len(new),
    "join": lambda s, items: 0,
    "translate": lambda s, table, *_: len(s) * max([len(v) for v in dict(table).values()
                                                    if isinstance(v, (str, bytes))] or [1]),
}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "-": lambda a, b: a - b, "/": lambda a, b: a / b, "//": lambda a, b: a // b, ">>": lambda a, b: a >> b,
    "&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b, "@": lambda a, b: a @ b,
}


def _write(obj: Any) -> Any:
    """Allow item writes to plain data only (task data is JSON: dicts and lists)."""
    if type(obj) in (dict, list):
        return obj
    raise ScriptRefused(f"不允许修改 {type(obj).__name__} 类型的对象")


def _globals(run: _Run, names: Mapping[str, Any]) -> dict[str, Any]:
    builtins = dict(_SAFE_BUILTINS, range=run.range, pow=run.pow, sum=run.sum)
    return {**names, "__builtins__": builtins, "_getattr_": run.getattr, "_getitem_": lambda o, k: o[k],
            "_getiter_": iter, "_write_": _write, "_inplacevar_": run.inplacevar, "_binop_": run.binop,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_unpack_sequence_": guarded_unpack_sequence,
            "_apply_": lambda f, *a, **k: f(*a, **k)}


GUARD_NAMES = frozenset(_globals(_Run(), {}))


def _run(text: str, mode: str, names: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    code = compile_text(text, mode)
    run = _Run()
    scope = _globals(run, names)
    previous = sys.gettrace()
    sys.settrace(run.trace)
    try:
        result = eval(code, scope)  # noqa: S307 - RestrictedPython-compiled, guarded and budgeted
    except ScriptRefused as exc:
        exc.line = exc.line or _script_line(exc)
        raise
    except _OutOfBudget as exc:
        raise ScriptRefused(run.stopped or "脚本运行超过上限", _script_line(exc)) from None
    except RecursionError:
        raise ScriptRefused("脚本递归过深") from None
    except MemoryError:
        raise ScriptRefused("脚本占用内存过多") from None
    finally:
        sys.settrace(previous)
    if run.stopped:  # the tracer fired but the script caught it somehow
        raise ScriptRefused(run.stopped)
    return result, scope


def _script_line(exc: BaseException) -> int | None:
    """Return the script line where an exception was raised, from its traceback."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SANDBOX_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def evaluate(text: str, names: Mapping[str, Any]) -> Any:
    """Evaluate an expression (condition, timer, parameter) over names; raise ScriptRefused or its own error."""
    return _run(text.strip(), "eval", names)[0]


def execute(text: str, names: Mapping[str, Any]) -> dict[str, Any]:
    """Run a script over names; return its namespace without the sandbox's own entries."""
    _, scope = _run(text, "exec", names)
    return {k: v for k, v in scope.items() if k not in GUARD_NAMES}
