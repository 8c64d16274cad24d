"""The one sandbox for BPMN Python: escape attempts are refused statically, at run time and in the upload check."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from engine import sandbox, trial
from engine.calendar import WorkingCalendar
from engine.checks import check_files
from engine.clock import CHINA
from engine.errors import DeployError
from engine.sandbox_policy import ScriptRefused
from engine.script_env import build_helpers
from engine.services import ServiceRegistry, make_script_engine
from engine.timers import fire_due_timers
from tests.conftest import DATA
from tests.engine.test_checks import CTX, ITEM11, LIBRARY, check_item11, errors
from tests.engine.test_timers import TIMER_FILE, deploy_timer, row, start_timer

SCRIPT_FIRST = (DATA / "bpmn" / "script_first.bpmn").read_bytes()
HELPERS = build_helpers(WorkingCalendar, lambda: datetime(2026, 11, 23, 10, tzinfo=CHINA))

# Each attempt must be refused with a Chinese reason containing the words given; MARKER must never appear.
ESCAPES = [
    ("import os\nos.system('touch {marker}')", "不允许导入模块"),
    ("from os import system\nsystem('touch {marker}')", "不允许导入模块"),
    ("__import__('os').system('touch {marker}')", "下划线开头的名字 __import__"),
    ("open('{marker}', 'w').write('x')", "内置函数 open"),
    ("exec(\"open('{marker}', 'w')\")", "exec"),
    ("eval(\"open('{marker}', 'w')\")", "eval"),
    ("compile('1', 'x', 'eval')", "内置函数 compile"),
    ("x = ().__class__.__base__.__subclasses__()", "下划线开头的属性 __class__"),
    ("x = statutory_due.__globals__['calendar']", "下划线开头的属性 __globals__"),
    ("x = now_iso.__closure__", "下划线开头的属性 __closure__"),
    ("x = months_after.__code__", "下划线开头的属性 __code__"),
    ("g = (x for x in [1])\nx = g.gi_frame.f_back.f_globals", "gi_frame"),
    ("g = (x for x in [1])\nx = g.gi_code", "gi_code"),
    ("x = '{0.__class__.__base__}'.format(1)", "format"),
    ("x = '{a.__globals__}'.format_map({'a': now_iso})", "format_map"),
    ("x = getattr(now_iso, '__glob' + 'als__')", "内置函数 getattr"),
    ("T = type('T', (), {})", "内置函数 type"),
    ("x = __builtins__", "下划线开头的名字 __builtins__"),
    ("x = globals()", "内置函数 globals"),
    ("x = vars(now_iso)", "内置函数 vars"),
    ("f = lambda g=now_iso: g.__globals__\nx = f()", "__globals__"),
    ("class A:\n    pass", "不允许定义类"),
    ("now_iso.marker = 1", "赋值"),
    ("setattr(now_iso, 'marker', 1)", "内置函数 setattr"),
    ("breakpoint()", "内置函数 breakpoint"),
    ("x = str.mro()", "mro"),
    ("x = f'{now_iso.__globals__}'", "__globals__"),
    ("try:\n    x = 1\nexcept:\n    pass", "except 必须写明异常类型"),
    ("try:\n    x = 1\nfinally:\n    x = 2", "finally"),
    ("def f():\n    yield 1", "生成器"),
    ("x = 'a' * 10**10", "过大"),
    ("x = 10**10**10", "乘方结果过大"),
    ("x = list(range(10**10))", "过大"),
    ("x = [0] * 10**9", "过大"),
    ("x = 1 << 10**9", "移位结果过大"),
    ("x = 'a'.ljust(10**10)", "过大"),
    ("x = '%9999999999d' % 1", "宽度"),
    ("x = f'{1:9999999999}'", "宽度"),
    ("s = 'a'\nfor i in range(64):\n    s = s + s", "过大"),
    ("s = [0]\nfor i in range(64):\n    s += s", "过大"),
    ("x = pow(10, 10**10)", "乘方结果过大"),
    ("x = sum([[0] * 10**6] * 1000, [])", "过大"),
    ("x = list(map(str.ljust, ['a'], [10**10]))", "不要通过类型调用"),
    ("x = ('a' * 10**6).translate({97: 'b' * 10**6})", "过大"),
    ("x = 'a'.encode().ljust(10**10)", "过大"),
    ("a = [0] * 10**6\nx = [*a, *a, *a, *a]", "展开"),
    ("while True:\n    pass", "步数上限"),
    ("while True:\n    try:\n        x = 1\n    except Exception:\n        pass", "步数上限"),
    ("def f():\n    return f()\nf()", "递归过深"),
    ("x = [0 for i in range(10**6) for j in range(10**6)]", "步数上限"),
]


def _run(text: str):
    env = make_script_engine(dict(HELPERS), ServiceRegistry()).environment
    data = {"accepted_at": "2026-11-23T10:00:00+08:00"}
    return env.execute(text, data, {})


@pytest.mark.parametrize(("script", "words"), ESCAPES)
def test_escape_attempt_is_refused_at_run_time_and_nothing_escapes(script, words, tmp_path):
    marker = tmp_path / "escaped"
    started = time.monotonic()
    with pytest.raises(ScriptRefused) as refused:
        _run(script.replace("{marker}", str(marker)))
    assert words in str(refused.value)
    assert not marker.exists()
    assert time.monotonic() - started < 5  # neither a hang nor a huge allocation


def test_static_refusals_are_caught_before_running():
    static = [s for s, w in ESCAPES if not any(k in w for k in ("过大", "上限", "递归", "宽度", "类型调用"))]
    static = [s for s in static if "f'{1:" not in s]
    for script in static:
        with pytest.raises(ScriptRefused):
            sandbox.compile_text(script.replace("{marker}", "/tmp/x"), "exec")


def test_real_scripts_conditions_and_helpers_still_work():
    env = make_script_engine(dict(HELPERS), ServiceRegistry()).environment
    data = {"required_materials": ["身份证", "户口本"], "materials_received": ["身份证"], "other_missing": "照片",
            "inspection_result": {"rectify_days": 5}}
    env.execute("materials_missing = [m for m in required_materials if m not in materials_received]\n"
                "if other_missing:\n    materials_missing.append(other_missing)\n"
                "rectify_due = statutory_due(now_iso(), inspection_result['rectify_days'])\n"
                "rectify_due_text = rectify_due[:16].replace('T', ' ') + ' 前'\n"
                "n = 0\nfor i in range(10):\n    n += i\n"
                "label = f'{n:>4}'", data, {})
    assert data["materials_missing"] == ["户口本", "照片"]
    assert data["rectify_due_text"] == "2026-11-30 17:30 前" and data["n"] == 45 and data["label"] == "  45"
    assert "statutory_due" not in data and "_getattr_" not in data and "__builtins__" not in data
    assert env.evaluate('channel in ("home_visit", "proxy")', {"channel": "proxy"}) is True
    assert env.evaluate("calendar_days_after(at, 7)", {"at": "2026-11-23T10:00:00+08:00"}) \
        == "2026-11-30T10:00:00+08:00"


def test_helpers_keep_their_globals_to_themselves():
    for name in HELPERS:
        for attr in ("__globals__", "__closure__", "__code__", "__defaults__", "__dict__"):
            with pytest.raises(ScriptRefused):
                sandbox.evaluate(f"{name}.{attr}", HELPERS)
    # Past the static check the run-time guard refuses the same, even by a computed name.
    run = sandbox._Run()
    with pytest.raises(ScriptRefused, match="__globals__"):
        run.getattr(HELPERS["now_iso"], "__globals__")
    with pytest.raises(ScriptRefused, match="gi_frame"):
        run.getattr((x for x in []), "gi_frame")


def test_refused_upload_names_file_line_element_in_chinese():
    findings = check_item11('<bpmn:conditionExpression>decision == "approve"</bpmn:conditionExpression>',
                            "<bpmn:conditionExpression>__import__('os').system('id') or decision == \"approve\""
                            "</bpmn:conditionExpression>")
    (finding,) = [f for f in errors(findings) if "沙箱" in f.message]
    assert finding.file == ITEM11 and finding.element == "flow_approved" and finding.line
    assert "条件表达式（flow_approved" in finding.message
    assert "不允许使用以下划线开头的名字 __import__" in finding.message
    line = LIBRARY[ITEM11].decode().splitlines()[finding.line - 1]
    assert "conditionExpression" in line


def test_refused_script_line_counts_from_the_script_element():
    content = TIMER_FILE.replace(b"fired = True", b"fired = True\nx = ().__class__")
    (finding,) = [f for f in check_files({"timer_once.bpmn": content}, CTX) if "沙箱" in f.message]
    assert "脚本" in finding.message and "第 2 行" in finding.message and "__class__" in finding.message
    assert "x = ().__class__" in content.decode().splitlines()[finding.line - 1]


def test_refused_timer_is_a_sandbox_finding():
    content = TIMER_FILE.replace(b"fire_at", b"open('/etc/passwd').read()")
    findings = check_files({"timer_once.bpmn": content}, CTX)
    assert any("定时器表达式" in f.message and "内置函数 open" in f.message for f in errors(findings))


def test_check_trial_run_of_an_endless_script_stops_and_names_the_line():
    content = SCRIPT_FIRST.replace(b"ran = True", b"x = 1\nwhile True:\n    pass")
    assert check_files({"script_first.bpmn": SCRIPT_FIRST}, CTX) == []
    started = time.monotonic()
    (finding,) = check_files({"script_first.bpmn": content}, CTX)
    assert time.monotonic() - started < 30
    assert finding.is_error and finding.element == "after" and "「触发后」" in finding.message
    assert "步数上限" in finding.message and "第 3 行" in finding.message
    assert content.decode().splitlines()[finding.line - 1].strip().startswith("pass")


def test_deploy_refuses_a_sandbox_escape(engine):
    with pytest.raises(DeployError) as err:
        deploy_timer(engine, "x = now_iso.__globals__")
    assert any("沙箱" in f and "__globals__" in f for f in err.value.findings)


@pytest.mark.parametrize(("script", "words"), [("while True:\n    pass", "步数上限"),
                                               ("x = 'a' * 10**10", "过大"),
                                               ("x = ['ab'] * 10**5 * 100", "过大")])
def test_runaway_script_parks_the_case_and_retry_is_possible(engine, store, clock, script, words):
    deploy_timer(engine, script)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    started = time.monotonic()
    assert fire_due_timers(engine).fired == 1
    assert time.monotonic() - started < 30
    parked = row(store, case)
    assert parked.status == "error" and words in parked.error_message
    assert engine.retry(case, "supervisor1") is False
    assert row(store, case).status == "error"


def test_trial_child_returns_results_and_is_stopped_by_its_limits(monkeypatch):
    assert trial.isolated(lambda: [("a.bpmn", 3, "x", "消息", "warning")]) == [("a.bpmn", 3, "x", "消息", "warning")]
    with pytest.raises(trial.TrialAborted, match="内存"):
        trial.isolated(lambda: bytearray(4 * trial.TRIAL_MEMORY))  # past the child's address-space limit
    monkeypatch.setattr(trial, "TRIAL_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(trial.TrialAborted, match="时间上限"):
        trial.isolated(lambda: time.sleep(30))
    assert time.monotonic() - started < 10
    assert trial.isolated(lambda: 1 + 1) == 2  # the parent is unharmed and forks again
