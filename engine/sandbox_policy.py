"""What BPMN Python may say: a static check with Chinese reasons, then RestrictedPython's compiler with our guards."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from types import CodeType

from RestrictedPython import compile_restricted
from RestrictedPython.transformer import RestrictingNodeTransformer

# Every script, condition and timer compiles under this file name; the budget tracer counts only its lines.
SANDBOX_FILE = "<bpmn-script>"

# Builtins that reach the interpreter's internals, files, or other code; refused by name even when unbound.
FORBIDDEN_NAMES = frozenset({
    "open", "exec", "eval", "compile", "globals", "locals", "vars", "dir", "getattr", "setattr", "delattr",
    "hasattr", "type", "object", "super", "breakpoint", "input", "help", "exit", "quit", "memoryview", "print",
    "bytearray", "classmethod", "staticmethod", "property", "format", "id", "iter",
})
# Attributes of generators, coroutines, frames, tracebacks and code that lead back to globals.
FRAME_ATTRS = frozenset({
    "gi_frame", "gi_code", "gi_yieldfrom", "gi_running", "cr_frame", "cr_code", "cr_await", "cr_origin",
    "ag_frame", "ag_code", "ag_await", "f_globals", "f_locals", "f_back", "f_builtins", "f_code", "f_trace",
    "tb_frame", "tb_next", "func_globals", "func_code", "co_code", "co_consts", "mro",
})
# str.format and format_map walk attributes inside C code ('{0.__class__}'.format(x)), past every guard.
FORMAT_ATTRS = frozenset({"format", "format_map"})
# Exceptions a script may catch; never BaseException, so the budget's own stop cannot be swallowed.
CATCHABLE = frozenset({"Exception", "ValueError", "KeyError", "TypeError", "IndexError", "ZeroDivisionError",
                       "ArithmeticError", "LookupError", "AttributeError", "RuntimeError"})
MAX_FORMAT_WIDTH = 1000
_NUMBER = re.compile(r"\d+")

GUARDED_OPS = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Add: "+", ast.Mod: "%"}


class ScriptRefused(Exception):
    """A script, condition or timer text the sandbox will not run; the message is the user's Chinese reason."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.reason}" if self.line else self.reason


def _reason(node: ast.AST) -> str | None:
    """Say why one syntax node is refused, or None."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "不允许导入模块"
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            return f"不允许使用以下划线开头的名字 {node.id}"
        if node.id in FORBIDDEN_NAMES:
            return f"不允许使用内置函数 {node.id}"
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            return f"不允许访问以下划线开头的属性 {node.attr}"
        if node.attr in FRAME_ATTRS:
            return f"不允许访问运行帧或代码对象的属性 {node.attr}"
        if node.attr in FORMAT_ATTRS:
            return f"不允许使用 {node.attr}()（它能读出对象内部属性），请用 + 拼接或 f-string"
        if not isinstance(node.ctx, ast.Load):
            return f"不允许给对象属性 {node.attr} 赋值或删除它"
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and any(isinstance(e, ast.Starred) for e in node.elts):
        return "不允许在列表、元组或集合里用 * 展开，请用 + 连接"
    if isinstance(node, ast.ClassDef):
        return "不允许定义类"
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return "不允许使用 global 或 nonlocal"
    if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await, ast.AsyncFunctionDef, ast.AsyncFor, ast.AsyncWith)):
        return "不允许使用生成器函数或异步语法"
    if isinstance(node, (ast.With, ast.Match)):
        return "不允许使用 with 或 match 语句"
    if isinstance(node, ast.Try) and node.finalbody:
        return "不允许使用 finally（超时中止后它还会运行）"
    if isinstance(node, ast.ExceptHandler):
        names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        if not all(isinstance(n, ast.Name) and n.id in CATCHABLE for n in names):
            return "except 必须写明异常类型，如 except ValueError"
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        parts = node.format_spec.values if isinstance(node.format_spec, ast.JoinedStr) else []
        if any(not isinstance(p, ast.Constant) for p in parts):
            return "f-string 的格式说明里不允许再写表达式"
        if any(int(n) > MAX_FORMAT_WIDTH for p in parts for n in _NUMBER.findall(str(p.value))):
            return f"f-string 的格式宽度超过 {MAX_FORMAT_WIDTH}"
    return None


class _GuardingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy plus size guards on *, **, <<, + and % (huge strings, lists and numbers)."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        """Route size-changing operators through the run's _binop_ guard."""
        node = self.node_contents_visit(node)
        symbol = GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(func=ast.Name("_binop_", ast.Load()), args=[ast.Constant(symbol), node.left, node.right],
                        keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))


def check_source(text: str, mode: str) -> ast.AST:
    """Parse and refuse anything outside the allowed subset; raise SyntaxError or ScriptRefused."""
    tree = ast.parse(text, SANDBOX_FILE, mode)
    refused = [(node, reason) for node in ast.walk(tree) if (reason := _reason(node))]
    if refused:  # the first in reading order: innermost of a chain such as ().__class__.__base__
        node, reason = min(refused, key=lambda r: (getattr(r[0], "lineno", 0), getattr(r[0], "col_offset", 0),
                                                    getattr(r[0], "end_col_offset", 0)))
        raise ScriptRefused(reason, getattr(node, "lineno", None))
    return tree


@lru_cache(maxsize=2048)
def compile_text(text: str, mode: str) -> CodeType:
    """Compile an expression ('eval') or script ('exec') for the sandbox; raise SyntaxError or ScriptRefused."""
    tree = check_source(text, mode)
    result = compile_restricted_tree(tree, mode)
    return result


def compile_restricted_tree(tree: ast.AST, mode: str) -> CodeType:
    """Run RestrictedPython's compiler with our policy; its own refusals become ScriptRefused."""
    try:
        return compile_restricted(tree, SANDBOX_FILE, mode, policy=_GuardingTransformer)
    except SyntaxError as exc:
        message = "; ".join(str(a) for a in exc.args[0]) if isinstance(exc.args[0], tuple) else str(exc)
        match = re.match(r"Line (\d+):", message)
        raise ScriptRefused(f"沙箱不允许的写法（{message}）", int(match.group(1)) if match else None) from exc


def refusal(text: str, mode: str) -> ScriptRefused | None:
    """Return why the sandbox refuses a text, or None (syntax errors are other rules' business)."""
    try:
        compile_text(text, mode)
    except ScriptRefused as exc:
        return exc
    except (SyntaxError, ValueError):
        return None
    return None
