"""indicators: supply-gap verdicts stored per need and request; covering indexes for the period figures

Revision ID: e2a7c4b9f1d3
Revises: 3b8e4f2a6c1d
Create Date: 2026-12-04 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a7c4b9f1d3'
down_revision = '3b8e4f2a6c1d'
branch_labels = None
depends_on = None

PERIOD_OLD = ['deal_date', 'locality', 'supplier_firm_id', 'buyer_firm_id', 'amount_jpy']
PERIOD_NEW = PERIOD_OLD + ['supplier_industry', 'radius_km', 'buyer_locality']


def upgrade():
    # Empty: the scheduled job (`matchmaker tick`) checks the needs and requests, newest first.
    op.create_table('indicator_gap_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('rfq_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.BigInteger(), nullable=False),
    sa.Column('subject_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('radius_km', sa.Float(), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('local_good', sa.Boolean(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(need_id IS NULL) <> (rfq_id IS NULL)', name=op.f('ck_indicator_gap_checks_one_subject')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_indicator_gap_checks_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfqs.id'], name=op.f('fk_indicator_gap_checks_rfq_id_rfqs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_gap_checks')),
    sa.UniqueConstraint('need_id', name=op.f('uq_indicator_gap_checks_need_id')),
    sa.UniqueConstraint('rfq_id', name=op.f('uq_indicator_gap_checks_rfq_id')),
    sa.UniqueConstraint('subject', name=op.f('uq_indicator_gap_checks_subject'))
    )
    with op.batch_alter_table('indicator_gap_checks', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_gap_checks_position', ['position'], unique=False)

    op.create_table('indicator_gap_concepts',
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('concept', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['indicator_gap_checks.id'], name=op.f('fk_indicator_gap_concepts_check_id_indicator_gap_checks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('check_id', 'concept', name=op.f('pk_indicator_gap_concepts'))
    )
    op.create_table('indicator_gap_nearest',
    sa.Column('concept', sa.String(length=80), nullable=False),
    sa.Column('radius_km', sa.Float(), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('firms', sa.JSON(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('concept', name=op.f('pk_indicator_gap_nearest'))
    )

    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_period')
        batch_op.create_index('ix_deals_period', PERIOD_NEW, unique=False)
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index('ix_needs_period', ['created_at', 'status', 'firm_id'], unique=False)
    with op.batch_alter_table('rfqs', schema=None) as batch_op:
        batch_op.create_index('ix_rfqs_period', ['created_at', 'status', 'buyer_firm_id', 'need_id'], unique=False)
    with op.batch_alter_table('rfq_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_rfq_invitations_funnel',
                              ['rfq_id', 'answered_at', 'status', 'supplier_firm_id', 'invited_at'], unique=False)
        batch_op.create_index('ix_rfq_invitations_answered', ['answered_at', 'supplier_firm_id'], unique=False)
    with op.batch_alter_table('rfq_quotes', schema=None) as batch_op:
        batch_op.create_index('ix_rfq_quotes_first', ['invitation_id', 'revision', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rfq_quotes', schema=None) as batch_op:
        batch_op.drop_index('ix_rfq_quotes_first')
    with op.batch_alter_table('rfq_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_rfq_invitations_answered')
        batch_op.drop_index('ix_rfq_invitations_funnel')
    with op.batch_alter_table('rfqs', schema=None) as batch_op:
        batch_op.drop_index('ix_rfqs_period')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_period')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_period')
        batch_op.create_index('ix_deals_period', PERIOD_OLD, unique=False)
    op.drop_table('indicator_gap_nearest')
    op.drop_table('indicator_gap_concepts')
    with op.batch_alter_table('indicator_gap_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_gap_checks_position')
    op.drop_table('indicator_gap_checks')
