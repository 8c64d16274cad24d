"""Deploy process files: a new version only when a process's content (with its called processes) changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.models import ProcessVersion
from engine.specs import ParsedProcess


@dataclass(frozen=True)
class DeployResult:
    """What happened to one process in a deploy."""

    process_id: str
    version_id: int
    created: bool


def read_directory(directory: str | Path) -> dict[str, bytes]:
    """Read every .bpmn file of a directory, keyed by file name."""
    return {p.name: p.read_bytes() for p in sorted(Path(directory).glob("*.bpmn"))}


def deploy_parsed(
    session: Session, parsed: Mapping[str, ParsedProcess], *, actor: str, now
) -> list[DeployResult]:
    """Store a version per changed process and make it current; unchanged ones stay as they are."""
    results = []
    for process_id, process in sorted(parsed.items()):
        existing = session.scalars(
            select(ProcessVersion).where(
                ProcessVersion.process_id == process_id,
                ProcessVersion.content_hash == process.content_hash,
            )
        ).one_or_none()
        if existing is not None and existing.is_current:
            results.append(DeployResult(process_id, existing.id, False))
            continue
        session.execute(
            update(ProcessVersion).where(ProcessVersion.process_id == process_id).values(is_current=False)
        )
        if existing is not None:  # the same content as an older version: make it current again
            existing.is_current = True
            version, created = existing, False
        else:
            version = ProcessVersion(
                process_id=process_id,
                name=process.name,
                content_hash=process.content_hash,
                filename=process.filename,
                bpmn_xml=process.xml,
                spec_json=process.spec_json,
                limit_days=process.limit_days,
                deadline_timer_id=process.deadline_timer_id,
                is_current=True,
                deployed_at=now,
                deployed_by=actor,
            )
            session.add(version)
            session.flush()
            created = True
        audit.record(
            session, at=now, actor=actor, action="deploy", process_id=process_id,
            version_id=version.id, content_hash=process.content_hash, filename=process.filename,
            reactivated=not created,
        )
        results.append(DeployResult(process_id, version.id, created))
    return results


_CURRENT = (select(ProcessVersion.id, ProcessVersion.limit_days)
            .where(ProcessVersion.process_id == bindparam("process_id"), ProcessVersion.is_current))


def current_version(session: Session, process_id: str):
    """Return (id, limit_days) of the version new instances of a process start on, or None."""
    return session.connection().execute(_CURRENT, {"process_id": process_id}).one_or_none()
