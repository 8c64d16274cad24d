"""counties as an organisation level, county members, indexes for province scale

Revision ID: 0009s
Revises: 0008c
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0009s'
down_revision = '0008c'
branch_labels = None
depends_on = None

HOME_COUNTY = ('140521', '沁水县')


def upgrade() -> None:
    county = op.create_table('county',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code'),
    sa.UniqueConstraint('name')
    )
    op.create_table('county_member',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('county_code', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['county.code'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('county_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_county_member_county_code'), ['county_code'], unique=False)

    # The towns known so far are all Qinshui's: put them in it before the column becomes required.
    op.bulk_insert(county, [{'code': HOME_COUNTY[0], 'name': HOME_COUNTY[1], 'ordinal': 1}])
    with op.batch_alter_table('town', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=10), nullable=True))
    op.execute(sa.text("UPDATE town SET county_code = :code").bindparams(code=HOME_COUNTY[0]))
    with op.batch_alter_table('town', schema=None) as batch_op:
        batch_op.alter_column('county_code', existing_type=sa.String(length=10), nullable=False)
        batch_op.create_index(batch_op.f('ix_town_county_code'), ['county_code'], unique=False)
        batch_op.create_foreign_key('fk_town_county_code_county', 'county', ['county_code'], ['code'])

    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_instance_completed_at'), ['completed_at'], unique=False)
        batch_op.create_index('ix_instance_status_town', ['status', 'town_code', 'process_id', 'overdue'],
                              unique=False)
        batch_op.create_index('ix_instance_town_accepted', ['town_code', 'accepted_at'], unique=False)
        batch_op.create_index('ix_instance_town_completed', ['town_code', 'completed_at'], unique=False)
        batch_op.create_index('ix_instance_town_due', ['town_code', 'due_at'], unique=False)
    with op.batch_alter_table('inbox_task', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_role_town', ['candidate_role', 'town_code', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbox_task', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_role_town')
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        for name in ('ix_instance_town_due', 'ix_instance_town_completed', 'ix_instance_town_accepted',
                     'ix_instance_status_town'):
            batch_op.drop_index(name)
        batch_op.drop_index(batch_op.f('ix_process_instance_completed_at'))
    with op.batch_alter_table('town', schema=None) as batch_op:
        batch_op.drop_constraint('fk_town_county_code_county', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_town_county_code'))
        batch_op.drop_column('county_code')
    with op.batch_alter_table('county_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_county_member_county_code'))
    op.drop_table('county_member')
    op.drop_table('county')
