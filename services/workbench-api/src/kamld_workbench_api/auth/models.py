"""The API token table: only a hash of each secret is stored.

A token may also have an S3 access key (for the S3-compatible endpoint). Its secret key is
stored as issued: SigV4 signs with the secret itself, so checking a signature needs it, as in
every S3 service. It goes with the token when the token is revoked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kamld_workbench_api.db import Base


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    hint: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    s3_access_key_id: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    s3_secret_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
