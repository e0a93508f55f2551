"""Tickets carry both SLA clocks and an assignment group: a resolution due time, when the
first agent reply and the resolution came, which SLA marks each target got, and the turn of
each group's round-robin.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

Existing tickets keep their first-response due time and have no resolution target (null);
every new column is nullable, so both backends add them in place.
"""

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NEW_TICKET_COLUMNS = ("assigned_group", "resolution_due_at", "first_response_at", "resolved_at")


def upgrade() -> None:
    op.add_column("tickets", sa.Column("assigned_group", sa.String(80)))
    op.add_column("tickets", sa.Column("resolution_due_at", sa.DateTime(timezone=True)))
    op.add_column("tickets", sa.Column("first_response_at", sa.DateTime(timezone=True)))
    op.add_column("tickets", sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.create_table(
        "sla_marks",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("ticket_id", sa.Integer, nullable=False),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sla_marks"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name="fk_sla_marks_ticket_id_tickets"),
        sa.UniqueConstraint("tenant", "ticket_id", "target", "kind",
                            name="uq_sla_marks_tenant_ticket_id_target_kind"),
    )
    op.create_index("ix_sla_marks_tenant_kind_at", "sla_marks", ["tenant", "kind", "at"])
    op.create_table(
        "assignment_turns",
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("group_name", sa.String(80), nullable=False),
        sa.Column("turns", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant", "group_name", name="pk_assignment_turns"),
    )


def downgrade() -> None:
    op.drop_table("assignment_turns")
    op.drop_index("ix_sla_marks_tenant_kind_at", "sla_marks")
    op.drop_table("sla_marks")
    with op.batch_alter_table("tickets") as batch:
        for column in NEW_TICKET_COLUMNS:
            batch.drop_column(column)
