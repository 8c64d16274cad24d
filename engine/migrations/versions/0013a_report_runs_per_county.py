"""monthly reports per county: report_run and report_snapshot carry their county

Revision ID: 0013a
Revises: 0012r
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa


revision = '0013a'
down_revision = '0012r'
branch_labels = None
depends_on = None

# SQLite keeps the old unique constraints unnamed; a naming convention lets the batch copy drop them by name.
NAMES = {'uq': 'uq_%(table_name)s_%(column_0_name)s'}


def _unique_name(table: str, columns: list[str]) -> str:
    """Return the name a database gave an unnamed unique constraint (on PostgreSQL, e.g. report_run_kind_period_key)."""
    for constraint in sa.inspect(op.get_bind()).get_unique_constraints(table):
        if constraint['column_names'] == columns:
            return constraint['name']
    raise LookupError(f'{table}: no unique constraint on {columns}')


def _swap_unique(table: str, old: list[str], new_name: str, new: list[str], fk: bool) -> None:
    """Make the column required and replace the table's unique key by one that includes the county."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    old_name = f'uq_{table}_{old[0]}' if sqlite else _unique_name(table, old)
    with op.batch_alter_table(table, schema=None, naming_convention=NAMES,
                              recreate='always' if sqlite else 'auto') as batch_op:
        batch_op.alter_column('county_code', existing_type=sa.String(length=10), nullable=False)
        batch_op.drop_constraint(old_name, type_='unique')
        batch_op.create_unique_constraint(new_name, new)
        if fk:
            batch_op.create_foreign_key('fk_report_run_county_code_county', 'county', ['county_code'], ['code'])


def upgrade() -> None:
    for table in ('report_run', 'report_snapshot'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('county_code', sa.String(length=10), nullable=True))
    # Reports started before counties existed covered the installation's county: the only one when there is
    # exactly one (0009s put every town in the home county, so the first by ordinal is that county otherwise).
    first = "(SELECT code FROM county ORDER BY ordinal, code LIMIT 1)"
    op.execute(sa.text(f"UPDATE report_run SET county_code = {first}"))
    op.execute(sa.text("UPDATE report_snapshot SET county_code = (SELECT county_code FROM town "
                       "WHERE town.code = report_snapshot.town_code) WHERE town_code <> ''"))
    op.execute(sa.text(f"UPDATE report_snapshot SET county_code = {first} WHERE town_code = ''"))
    _swap_unique('report_run', ['kind', 'period'], 'uq_report_run_county', ['kind', 'period', 'county_code'], True)
    _swap_unique('report_snapshot', ['kind', 'period', 'town_code'], 'uq_report_snapshot_county',
                 ['kind', 'period', 'county_code', 'town_code'], False)


def downgrade() -> None:
    with op.batch_alter_table('report_snapshot', schema=None) as batch_op:
        batch_op.drop_constraint('uq_report_snapshot_county', type_='unique')
        batch_op.create_unique_constraint('uq_report_snapshot_kind', ['kind', 'period', 'town_code'])
        batch_op.drop_column('county_code')
    with op.batch_alter_table('report_run', schema=None) as batch_op:
        batch_op.drop_constraint('fk_report_run_county_code_county', type_='foreignkey')
        batch_op.drop_constraint('uq_report_run_county', type_='unique')
        batch_op.create_unique_constraint('uq_report_run_kind', ['kind', 'period'])
        batch_op.drop_column('county_code')
