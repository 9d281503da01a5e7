"""firms: search_text (with a pg_trgm index on PostgreSQL), synthetic flag, index on updated_at

Revision ID: a1c3e5f7b9d2
Revises: 05a69b63d496
Create Date: 2026-12-04 18:40:00.000000

The new column is filled here for existing firms (the same folding as search/text.py; `matchmaker
reindex` fills any row still empty).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b9d2'
down_revision = '05a69b63d496'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('synthetic', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_firms_updated_at'), ['updated_at'], unique=False)
    _fill_search_text()
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    # a trigram GIN index on PostgreSQL; a plain index elsewhere (the models declare the same)
    op.create_index('ix_firms_search_text_trgm', 'firms', ['search_text'], unique=False,
                    postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})


def _fill_search_text():
    from matchmaker.matching.normalize import fold

    conn = op.get_bind()
    extra = {}
    for firm_id, value in conn.execute(sa.text(
            "SELECT firm_id, value FROM firm_facets WHERE kind IN ('tag', 'equipment') ORDER BY firm_id, kind, position")):
        extra.setdefault(firm_id, []).append(value)
    rows = conn.execute(sa.text(
        "SELECT id, name, name_en, name_kana, description_ja, description_en FROM firms")).all()
    updates = [{"i": r[0], "t": fold(" ".join(p for p in [*r[1:], *extra.get(r[0], [])] if p))} for r in rows]
    if updates:
        conn.execute(sa.text("UPDATE firms SET search_text = :t WHERE id = :i"), updates)


def downgrade():
    op.drop_index('ix_firms_search_text_trgm', table_name='firms')
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firms_updated_at'))
        batch_op.drop_column('search_text')
        batch_op.drop_column('synthetic')
