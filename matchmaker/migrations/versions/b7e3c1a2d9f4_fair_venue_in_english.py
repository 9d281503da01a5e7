"""fairs: venue in English

Revision ID: b7e3c1a2d9f4
Revises: f77b387ae92b
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c1a2d9f4'
down_revision = 'f77b387ae92b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue_en', sa.String(length=300), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.drop_column('venue_en')
