"""province outbox and callback replay guard

Revision ID: 0010p
Revises: 0009s
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa
import engine.types


revision = '0010p'
down_revision = '0009s'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('province_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_no', sa.String(length=40), nullable=True),
    sa.Column('item_code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('point_code', sa.String(length=40), nullable=True),
    sa.Column('town_code', sa.String(length=40), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', engine.types.UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('result_status', sa.String(length=20), nullable=True),
    sa.Column('result_note', sa.Text(), nullable=True),
    sa.Column('created_at', engine.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', engine.types.UTCDateTime(), nullable=True),
    sa.Column('result_at', engine.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', engine.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('province_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_province_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_province_outbox_instance_id'), ['instance_id'], unique=False)
    op.create_table('province_callback_nonce',
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('received_at', engine.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('signature')
    )
    with op.batch_alter_table('province_callback_nonce', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_province_callback_nonce_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('province_callback_nonce', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_province_callback_nonce_received_at'))
    op.drop_table('province_callback_nonce')
    with op.batch_alter_table('province_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_province_outbox_instance_id'))
        batch_op.drop_index('ix_province_outbox_due')
    op.drop_table('province_outbox')
