"""Promotion gates: the policy of an alias, and the check every move of that alias passes.

:class:`PromotionGate` runs on the session of the move itself (after the artifact's lock), so the
policy, the holder and the candidate it reads are the ones the move commits against.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Conflict, NotFound
from kamld_metadata_hub.aliases.names import movable_alias, writable
from kamld_metadata_hub.artifacts.repository import ArtifactRepository
from kamld_metadata_hub.artifacts.service import existing_artifact
from kamld_metadata_hub.db import in_transaction
from kamld_metadata_hub.models import AliasPolicy, Artifact, Version, utcnow
from kamld_metadata_hub.promotion.repository import PolicyRepository
from kamld_metadata_hub.promotion.rules import Candidate, Facts, evaluate
from kamld_metadata_hub.promotion.schemas import AliasPolicySet, AliasPolicyView, GateReason, PolicyRule
from kamld_metadata_hub.references import check_alias_name, version_ref
from kamld_metadata_hub.schemas import as_utc

RULES = TypeAdapter(list[PolicyRule])


def _view(artifact: Artifact, policy: AliasPolicy) -> AliasPolicyView:
    return AliasPolicyView(
        artifact=artifact.name,
        alias=policy.alias,
        rules=RULES.validate_python(policy.rules),
        updated_at=as_utc(policy.updated_at),
        updated_by=policy.updated_by,
    )


def _no_policy(name: str, alias: str) -> NotFound:
    return NotFound(
        f"alias {alias!r} of {name} has no promotion policy",
        code="policy_not_found",
        extra={"artifact": name, "alias": alias},
    )


class PolicyService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, name: str, alias: str) -> AliasPolicyView:
        check_alias_name(alias, ["path", "alias"])
        async with self.database.unit_of_work() as session:
            artifact = await existing_artifact(ArtifactRepository(session), name)
            policy = await PolicyRepository(session).get(artifact.id, alias)
            if policy is None:
                raise _no_policy(name, alias)
            return _view(artifact, policy)

    async def put(self, name: str, alias: str, body: AliasPolicySet, actor: str) -> AliasPolicyView:
        """Set the alias's policy (replacing any); the alias need not exist yet."""
        movable_alias(alias)
        rules = [rule.model_dump(mode="json") for rule in body.rules]

        async def work(session: AsyncSession) -> AliasPolicyView:
            artifact = writable(await existing_artifact(ArtifactRepository(session), name, lock=True))
            policy = await PolicyRepository(session).put(artifact.id, alias, rules, actor, utcnow())
            return _view(artifact, policy)

        return await in_transaction(self.database, work)

    async def delete(self, name: str, alias: str) -> None:
        movable_alias(alias)

        async def work(session: AsyncSession) -> None:
            artifact = writable(await existing_artifact(ArtifactRepository(session), name, lock=True))
            policies = PolicyRepository(session)
            policy = await policies.get(artifact.id, alias)
            if policy is None:
                raise _no_policy(name, alias)
            await policies.delete(policy)

        await in_transaction(self.database, work)


@dataclass(frozen=True)
class Verdict:
    """What the gate found: every refusal; empty when the move passes (or the alias has no policy)."""

    reasons: list[GateReason]


class PromotionGate:
    """Checks a move of an alias against its policy, on the move's own session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.policies = PolicyRepository(session)

    async def check(
        self, artifact: Artifact, alias: str, holder: Version | None, candidate: Version
    ) -> Verdict:
        policy = await self.policies.get(artifact.id, alias)
        if policy is None:
            return Verdict([])
        rules = RULES.validate_python(policy.rules)
        needs_inputs = any(rule.rule == "signature_matches_inputs" for rule in rules)
        facts = Facts(
            candidate=Candidate(version_ref(artifact.name, candidate.number), dict(candidate.meta or {})),
            holder=Candidate(version_ref(artifact.name, holder.number), dict(holder.meta or {}))
            if holder is not None
            else None,
            alias=alias,
            inputs=await self.policies.training_inputs(candidate.id) if needs_inputs else [],
        )
        return Verdict(evaluate(rules, facts))


def refusal(
    artifact: str, alias: str, candidate: str, holder: str | None, reasons: list[GateReason]
) -> Conflict:
    """The 409 a refused move answers: every reason, in the policy's order."""
    return Conflict(
        f"moving {artifact}:{alias} to {candidate} is refused by its promotion policy: "
        + "; ".join(reason.message for reason in reasons),
        code="promotion_refused",
        extra={
            "artifact": artifact,
            "alias": alias,
            "candidate": candidate,
            "current": holder,
            "reasons": [reason.model_dump() for reason in reasons],
        },
    )
