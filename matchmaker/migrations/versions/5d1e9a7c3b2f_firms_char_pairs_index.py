"""firms: search_pairs (the pairs of non-ASCII characters of search_text) with a GIN index on PostgreSQL,
for two-character words

Revision ID: 5d1e9a7c3b2f
Revises: e2a7c4b9f1d3
Create Date: 2026-12-05 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e9a7c3b2f'
down_revision = 'e2a7c4b9f1d3'
branch_labels = None
depends_on = None

BATCH = 2000
# as models.py's PAIRS_FUNCTION when this migration was written
PAIRS_FUNCTION = """CREATE OR REPLACE FUNCTION mm_pairs(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$ BEGIN RETURN string_to_array(t, ' '); END $$"""


def char_pairs(text):
    """As search/text.py's char_pairs when this migration was written (kept here so that it stays as applied)."""
    pairs = (text[i:i + 2] for i in range(len(text) - 1))
    return " ".join(dict.fromkeys(p for p in pairs if all(ord(ch) > 127 for ch in p)))


def upgrade():
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_pairs', sa.Text(), server_default='', nullable=False))
    conn = op.get_bind()
    firms = sa.table('firms', sa.column('id', sa.Integer), sa.column('search_text', sa.Text),
                     sa.column('search_pairs', sa.Text))
    last = 0
    while True:
        rows = conn.execute(sa.select(firms.c.id, firms.c.search_text).where(firms.c.id > last)
                            .order_by(firms.c.id).limit(BATCH)).all()
        if not rows:
            break
        values = [{'firm': r.id, 'pairs': char_pairs(r.search_text)} for r in rows if r.search_text]
        if values:
            conn.execute(firms.update().where(firms.c.id == sa.bindparam('firm'))
                         .values(search_pairs=sa.bindparam('pairs')), values)
        last = rows[-1].id
    if conn.dialect.name == 'postgresql':
        op.execute(PAIRS_FUNCTION)
        op.execute("CREATE INDEX ix_firms_search_pairs ON firms USING gin (mm_pairs(search_pairs))")


def downgrade():
    if op.get_context().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_firms_search_pairs')
        op.execute('DROP FUNCTION IF EXISTS mm_pairs(text)')
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.drop_column('search_pairs')
