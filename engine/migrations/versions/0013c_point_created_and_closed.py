"""service points record when they were added and closed

Existing rows keep created_at NULL, read as "existed before records began": they are the county plan's points
(2024), and dating them to this migration would drop them from every earlier month's report. Points already
inactive keep closed_at NULL, read as "closed at an unknown time": reports left them out before and still do.

Revision ID: 0013c
Revises: 0013b
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa
import engine.types


revision = '0013c'
down_revision = '0013b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', engine.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('closed_at', engine.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.drop_column('closed_by')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('created_by')
        batch_op.drop_column('created_at')
