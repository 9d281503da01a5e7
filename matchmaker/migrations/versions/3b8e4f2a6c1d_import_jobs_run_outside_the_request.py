"""Member-list checks and imports run outside the request: their jobs, state and progress

Revision ID: 3b8e4f2a6c1d
Revises: c3a9e1f0b2d4
Create Date: 2026-12-04 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8e4f2a6c1d'
down_revision = 'c3a9e1f0b2d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('check', 'import')", name=op.f('ck_import_jobs_kind')),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_import_jobs_state')),
    sa.ForeignKeyConstraint(['upload_id'], ['import_uploads.id'], name=op.f('fk_import_jobs_upload_id_import_uploads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_jobs_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_upload_id'), ['upload_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_jobs_state'), ['state'], unique=False)
        batch_op.create_index('uq_import_jobs_one_import', ['upload_id'], unique=True, sqlite_where=sa.text("kind = 'import' AND state != 'failed'"), postgresql_where=sa.text("kind = 'import' AND state != 'failed'"))


def downgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_import_jobs_one_import', sqlite_where=sa.text("kind = 'import' AND state != 'failed'"), postgresql_where=sa.text("kind = 'import' AND state != 'failed'"))
        batch_op.drop_index(batch_op.f('ix_import_jobs_state'))
        batch_op.drop_index(batch_op.f('ix_import_jobs_upload_id'))

    op.drop_table('import_jobs')
