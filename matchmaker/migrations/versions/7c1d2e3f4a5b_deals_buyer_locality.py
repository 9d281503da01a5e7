"""deals: the buyer's locality, decided when the deal is recorded; index for a pair's first deal (indicators)

Revision ID: 7c1d2e3f4a5b
Revises: 90fe5e4eb91f
Create Date: 2026-12-04 18:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1d2e3f4a5b'
down_revision = '90fe5e4eb91f'
branch_labels = None
depends_on = None


def upgrade():
    # Deals recorded before keep "" (unknown): their buyer's place on that day was not kept.
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buyer_locality', sa.String(length=10), server_default='', nullable=False))
        batch_op.create_index('ix_deals_pair_date', ['buyer_firm_id', 'supplier_firm_id', 'deal_date'], unique=False)
        batch_op.create_index('ix_deals_period', ['deal_date', 'locality', 'supplier_firm_id', 'buyer_firm_id',
                                                  'amount_jpy'], unique=False)


def downgrade():
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_period')
        batch_op.drop_index('ix_deals_pair_date')
        batch_op.drop_column('buyer_locality')
