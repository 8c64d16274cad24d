"""index audit_event.task_id: a finished task is looked up by its trail (409 instead of 404)

Revision ID: 0013e
Revises: 0013c
Create Date: 2026-12-06
"""
from alembic import op


revision = '0013e'
down_revision = '0013c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_audit_event_task_id'), 'audit_event', ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_event_task_id'), table_name='audit_event')
