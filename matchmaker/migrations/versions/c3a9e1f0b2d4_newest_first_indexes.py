"""Newest-first indexes: firms (updated_at, id), offerings and needs (created_at, id)

The directory lists firms by updated_at then id, the home page and the lists offerings and needs by
created_at then id; with the id in the index the database reads the first rows off it instead of
sorting every row that shares a timestamp (a bulk import or the synthetic seed writes thousands).

Revision ID: c3a9e1f0b2d4
Revises: d56aff0a55be
Create Date: 2026-12-04 22:20:00

"""
from alembic import op


revision = 'c3a9e1f0b2d4'
down_revision = 'd56aff0a55be'
branch_labels = None
depends_on = None

_CHANGES = (("firms", "updated_at"), ("offerings", "created_at"), ("needs", "created_at"))


def upgrade():
    for table, column in _CHANGES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{column}')
            batch_op.create_index(f'ix_{table}_{column}_id', [column, 'id'], unique=False)


def downgrade():
    for table, column in _CHANGES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{column}_id')
            batch_op.create_index(f'ix_{table}_{column}', [column], unique=False)
