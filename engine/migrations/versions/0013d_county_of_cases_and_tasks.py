"""county-level cases: process_instance, inbox_task and account_request carry their county

Revision ID: 0013d
Revises: 0013e
Create Date: 2026-12-07

Existing rows get their county where it can be told: from their town; for rows without a town, a report
run's county (the county's 汇总报送 case), else the county the filer of an account request is bound to, else
the installation's only county when there is exactly one. Town-less rows of an installation with several
counties that none of these name stay NULL: no county role sees them (fail closed) until an admin sets it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013d'
down_revision = '0013e'
branch_labels = None
depends_on = None

TOWN_COUNTY = "(SELECT town.county_code FROM town WHERE town.code = {table}.town_code)"
CASE_COUNTY = "(SELECT p.county_code FROM process_instance p WHERE p.id = {table}.instance_id)"
RUN_COUNTY = "(SELECT r.county_code FROM report_run r WHERE r.instance_id = process_instance.id)"
FILER_COUNTY = ("(SELECT m.county_code FROM account_request a JOIN app_user u ON u.username = a.requester "
                "JOIN county_member m ON m.user_id = u.id WHERE a.instance_id = process_instance.id)")
TOWNLESS = "town_code IS NULL AND county_code IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=10), nullable=True))
        batch_op.create_index('ix_instance_county_town', ['county_code', 'town_code'], unique=False)
    with op.batch_alter_table('inbox_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=10), nullable=True))
        batch_op.create_index('ix_inbox_role_county', ['candidate_role', 'county_code', 'town_code'], unique=False)
    with op.batch_alter_table('account_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f('ix_account_request_county_code'), ['county_code'], unique=False)

    table = 'process_instance'
    op.execute(sa.text(f"UPDATE {table} SET county_code = {TOWN_COUNTY.format(table=table)} "
                       "WHERE town_code IS NOT NULL"))
    op.execute(sa.text(f"UPDATE {table} SET county_code = {RUN_COUNTY} WHERE {TOWNLESS}"))
    op.execute(sa.text(f"UPDATE {table} SET county_code = {FILER_COUNTY} WHERE {TOWNLESS}"))
    counties = op.get_bind().execute(sa.text("SELECT code FROM county LIMIT 2")).scalars().all()
    if len(counties) == 1:  # one county: every county-level case is its own
        op.execute(sa.text(f"UPDATE {table} SET county_code = :code WHERE {TOWNLESS}").bindparams(code=counties[0]))
    for table in ('inbox_task', 'account_request'):
        op.execute(sa.text(f"UPDATE {table} SET county_code = {CASE_COUNTY.format(table=table)}"))


def downgrade() -> None:
    with op.batch_alter_table('account_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_request_county_code'))
        batch_op.drop_column('county_code')
    with op.batch_alter_table('inbox_task', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_role_county')
        batch_op.drop_column('county_code')
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_instance_county_town')
        batch_op.drop_column('county_code')
