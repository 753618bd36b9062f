"""What the public run routes do: resolve inputs and code to exact versions, then ask trainer.

Resolution happens before trainer is asked, so an input that does not resolve is a 422 naming it
and nothing is queued.
"""

from __future__ import annotations

import re
from typing import Any

from kamld_common import patterns
from kamld_common.errors import Invalid, NotFound
from kamld_common.http import ServiceClient
from kamld_workbench_api.catalog.service import Catalog, segment
from kamld_workbench_api.runs.schemas import FinishIn, RunCreate, TrackIn

JSON = Any
DEFAULT_ROLE = "input"
INPUT = re.compile(r"^(?P<name>[^:=]+)(?::(?P<ref>[^=]+))?(?:=(?P<role>.+))?$")


class Runs:
    def __init__(self, trainer: ServiceClient, catalog: Catalog) -> None:
        self.trainer = trainer
        self.catalog = catalog

    async def _resolve(self, text: str, where: list[str | int], kind: str | None = None) -> dict[str, str]:
        """``NAME[:REF]`` as ``{ref: NAME:vN, digest}``; anything unresolvable is a 422 at ``where``."""
        name, _, ref = text.partition(":")
        if not re.fullmatch(patterns.NAME, name) or (ref and not re.fullmatch(patterns.REF, ref)):
            raise Invalid(f"{text!r} is not a reference NAME[:REF]", field=where, code="invalid_ref")
        try:
            version = await self.catalog.get_version(name, ref or "latest")
        except (NotFound, Invalid) as exc:
            raise Invalid(
                f"{text} does not resolve to a version: {exc.detail}", field=where, code="unresolvable_input"
            ) from None
        if kind and version["kind"] != kind:
            raise Invalid(f"{text} is a {version['kind']}, not a {kind}", field=where, code="wrong_kind")
        return {"ref": f"{version['artifact']}:{version['name']}", "digest": version["digest"]}

    async def create(self, body: RunCreate, creator: str) -> JSON:
        inputs = []
        for index, text in enumerate(body.inputs):
            where: list[str | int] = ["body", "inputs", index]
            match = INPUT.match(text)
            if match is None:
                raise Invalid(f"{text!r} is not NAME[:REF][=ROLE]", field=where, code="invalid_ref")
            role = match["role"] or DEFAULT_ROLE
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", role) or role == "parent":
                raise Invalid(
                    f"input {text}: role {role!r} must be 1-32 of a-z, 0-9, '_', starting with a letter, "
                    "not 'parent'",
                    field=where,
                    code="invalid_role",
                )
            reference = match["name"] + (f":{match['ref']}" if match["ref"] else "")
            inputs.append({**await self._resolve(reference, where), "role": role})
        roles = [item["role"] for item in inputs]
        if len(set(roles)) != len(roles):
            raise Invalid(
                "two inputs have the same role; name each with NAME[:REF]=ROLE",
                field=["body", "inputs"],
                code="duplicate_role",
            )
        spec = body.model_dump(exclude={"inputs", "code"}, exclude_none=True)
        spec["inputs"] = inputs
        if body.code is not None:
            spec["code"] = await self._resolve(body.code, ["body", "code"], kind="code")
        spec["creator"] = creator
        return (await self.trainer.post("/runs", json=spec)).json()

    async def list(self, **query: Any) -> JSON:
        params = {key: value for key, value in query.items() if value is not None}
        return (await self.trainer.get("/runs", params=params)).json()

    async def get(self, run_id: str) -> JSON:
        return (await self.trainer.get(f"/runs/{segment(run_id)}")).json()

    async def metrics(self, run_id: str) -> JSON:
        return (await self.trainer.get(f"/runs/{segment(run_id)}/metrics")).json()

    async def cancel(self, run_id: str) -> JSON:
        return (await self.trainer.post(f"/runs/{segment(run_id)}/cancel")).json()

    async def retry(self, run_id: str, creator: str) -> JSON:
        return (await self.trainer.post(f"/runs/{segment(run_id)}/retry", json={"creator": creator})).json()

    async def track(self, run_id: str, body: TrackIn) -> JSON:
        return (await self.trainer.post(f"/runs/{segment(run_id)}/track", json=body.model_dump())).json()

    async def finish(self, run_id: str, body: FinishIn) -> JSON:
        return (await self.trainer.post(f"/runs/{segment(run_id)}/finish", json=body.model_dump())).json()
