"""trainer's tables live on this base (its own schema; no other service reads it)."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from kamld_common.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
