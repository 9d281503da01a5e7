"""Pages of a long list whose count stops at a bound.

Counting every row that matches a filter costs as much as reading them all: at 100,000 firms the
directory's count took longer than the page itself. Nobody pages through more than a thousand
firms; past that the page says "more than 1,000 results" and the filters do the rest. The count
reads at most ``cap`` rows beyond the page shown, so paging on past the bound still works.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import SelectPagination

from .extensions import db
from .formfields import page_number

COUNT_CAP = 1000


class BoundedPagination(SelectPagination):
    capped = False  # more rows than counted: the page says "more than" the bound

    def _query_count(self) -> int:
        select = self._query_args["select"]
        limit = max(self._query_args["cap"], self.page * self.per_page) + 1
        sub = select.options(so.lazyload("*")).order_by(None).limit(limit).subquery()
        n = self._query_args["session"].execute(sa.select(sa.func.count()).select_from(sub)).scalar() or 0
        self.capped = n >= limit
        return limit - 1 if self.capped else n

    @property
    def pages(self) -> int:
        """One page more than counted when capped (the next rows exist)."""
        return super().pages + (1 if self.capped and self.page * self.per_page >= (self.total or 0) else 0)


def paginate(select: sa.Select, per_page: int, cap: int | None = None) -> BoundedPagination:
    """The request's page (``?page=``) of ``select``, counted up to ``cap`` rows (``capped`` when there are more)."""
    return BoundedPagination(select=select, session=db.session(), page=page_number(), per_page=per_page,
                             max_per_page=100, error_out=False, cap=COUNT_CAP if cap is None else cap)
