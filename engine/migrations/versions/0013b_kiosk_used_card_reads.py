"""kiosk card reads already used, so a captured read cannot be replayed within its two minutes

Revision ID: 0013b
Revises: 0013a
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

import engine.types


revision = '0013b'
down_revision = '0013a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kiosk_card_read',
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('kiosk_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('read_at', engine.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', engine.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('signature')
    )
    with op.batch_alter_table('kiosk_card_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_card_read_read_at'), ['read_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kiosk_card_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_card_read_read_at'))
    op.drop_table('kiosk_card_read')
