"""timer claim lease: who holds a due timer and until when

Revision ID: 0008c
Revises: 0007a
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa
import engine.types


revision = '0008c'
down_revision = '0007a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', engine.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
