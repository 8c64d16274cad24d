"""kiosk citizen sessions record whether the kiosk's card reader read the document

Revision ID: 0011c
Revises: 0010p
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0011c'
down_revision = '0010p'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kiosk_citizen_session') as batch:
        batch.add_column(sa.Column('card_read', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('kiosk_citizen_session') as batch:
        batch.drop_column('card_read')
