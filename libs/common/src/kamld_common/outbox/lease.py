"""A lease row: which one of several processes does a job now (relaying an outbox, dispatching
webhooks), taken over when its holder stops renewing it. A conditional update is atomic on SQLite
and PostgreSQL alike, and nothing is held open across the job's slow calls."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from kamld_common.db import Database
from kamld_common.outbox.model import OutboxLeaseMixin


def holder_name() -> str:
    """Unique per process and start: host, pid and a random suffix."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Lease:
    def __init__(
        self,
        database: Database,
        model: type[OutboxLeaseMixin],
        name: str,
        *,
        ttl_s: float = 30.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.model = model
        self.name = name
        self.ttl_s = ttl_s
        self.clock = clock
        self.holder = holder_name()

    async def take(self) -> bool:
        """Take or renew the lease; False while another holder's lease runs."""
        lease: Any = self.model
        now = self.clock()
        until = now + timedelta(seconds=self.ttl_s)
        async with self.database.unit_of_work() as session:
            taken = await session.execute(
                update(lease)
                .where(lease.name == self.name, (lease.holder == self.holder) | (lease.expires_at < now))
                .values(holder=self.holder, expires_at=until)
            )
            if taken.rowcount:  # type: ignore[attr-defined]
                return True
        try:
            async with self.database.unit_of_work() as session:
                await session.execute(
                    insert(lease).values(name=self.name, holder=self.holder, expires_at=until)
                )
            return True
        except IntegrityError:
            return False

    async def release(self) -> None:
        lease: Any = self.model
        async with self.database.unit_of_work() as session:
            await session.execute(delete(lease).where(lease.name == self.name, lease.holder == self.holder))
