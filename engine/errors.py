"""Errors the engine raises; each carries a Chinese message fit for users."""

from __future__ import annotations


class EngineError(Exception):
    """Base of the engine's own errors; `message` is for users, str() for logs."""

    code = "engine_error"

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(detail or message)
        self.message = message


class NotFound(EngineError):
    """The instance, task or process does not exist."""

    code = "not_found"


class ConflictError(EngineError):
    """Someone else changed the instance first; the caller should reload and retry."""

    code = "conflict"


class TaskStateError(EngineError):
    """The task cannot do what was asked in its current state (done, claimed by another)."""

    code = "task_state"


class FormInvalid(EngineError):
    """Submitted form data failed validation; `errors` maps field to a Chinese message."""

    code = "form_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("表单填写有误，请按提示修改。", detail=f"invalid fields: {sorted(errors)}")
        self.errors = errors


class DeployError(EngineError):
    """A process file was refused; `findings` name file, element, line and reason."""

    code = "deploy_refused"

    def __init__(self, findings: list[str]) -> None:
        super().__init__("流程文件未通过检查，未部署。", detail="; ".join(findings))
        self.findings = findings


class Unavailable(EngineError):
    """The database kept failing for a passing reason (lost connection, deadlock) after every retry."""

    code = "unavailable"
