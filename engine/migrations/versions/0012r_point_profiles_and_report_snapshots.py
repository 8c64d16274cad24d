"""point profiles (附件5 columns 6-10) and frozen report snapshots

Revision ID: 0012r
Revises: 0011c
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa
import engine.types


revision = '0012r'
down_revision = '0011c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('point_profile',
    sa.Column('point_code', sa.String(length=40), nullable=False),
    sa.Column('area_km2', sa.String(length=20), nullable=True),
    sa.Column('population_wan', sa.String(length=20), nullable=True),
    sa.Column('organisation', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.Column('updated_at', engine.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['point_code'], ['service_point.code'], ),
    sa.PrimaryKeyConstraint('point_code')
    )
    op.create_table('report_snapshot',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('town_code', sa.String(length=10), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('as_of', engine.types.UTCDateTime(), nullable=False),
    sa.Column('taken_by', sa.String(length=80), nullable=False),
    sa.Column('taken_at', engine.types.UTCDateTime(), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'period', 'town_code')
    )
    with op.batch_alter_table('report_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_snapshot_period'), ['period'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_snapshot_period'))
    op.drop_table('report_snapshot')
    op.drop_table('point_profile')
