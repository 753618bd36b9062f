"""Lineage: walk parents and inputs up (what a version came from) and down (what came from it)."""

from __future__ import annotations

from kamld_common.db import Database
from kamld_metadata_hub.lineage.repository import Edge, LineageRepository
from kamld_metadata_hub.lineage.schemas import Direction, LineageEdge, LineageGraph, LineageNode
from kamld_metadata_hub.references import parse_version_selector, version_name, version_ref
from kamld_metadata_hub.schemas import as_utc
from kamld_metadata_hub.versions.service import VersionResolver

MAX_NODES = 2000


class LineageService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def graph(self, name: str, ref: str, direction: Direction, depth: int) -> LineageGraph:
        """Breadth-first walk from the version, one query per level and direction, up to ``depth`` edges."""
        selector = parse_version_selector(ref, ["path", "ref"])
        async with self.database.unit_of_work() as session:
            resolver = VersionResolver(session)
            artifact = await resolver.artifact(name)
            root = await resolver.version(artifact, selector, ["path", "ref"])
            repository = LineageRepository(session)
            distance = {root.id: 0}
            edges: set[Edge] = set()
            truncated = False
            walks = [w for w in ("up", "down") if direction in (w, "both")]
            for walk in walks:
                frontier = {root.id}
                for level in range(1, depth + 1):
                    if not frontier:
                        break
                    found = await (
                        repository.edges_into(frontier) if walk == "up" else repository.edges_out_of(frontier)
                    )
                    next_frontier: set[int] = set()
                    for edge in found:
                        neighbour = edge[0] if walk == "up" else edge[1]
                        if neighbour not in distance:
                            if len(distance) >= MAX_NODES:
                                truncated = True
                                continue
                            distance[neighbour] = level
                            next_frontier.add(neighbour)
                        edges.add(edge)
                    frontier = next_frontier
            rows = await repository.versions(distance)
        refs = {vid: version_ref(a.name, v.number) for vid, (v, a) in rows.items()}
        nodes = [
            LineageNode(
                artifact=a.name,
                number=v.number,
                name=version_name(v.number),
                ref=refs[vid],
                digest=v.digest,
                kind=a.kind,
                author=v.author,
                created_at=as_utc(v.created_at),
                message=v.message,
                distance=distance[vid],
            )
            for vid, (v, a) in rows.items()
        ]
        nodes.sort(key=lambda node: (node.distance, node.artifact, node.number))
        return LineageGraph(
            root=refs[root.id],
            direction=direction,
            depth=depth,
            nodes=nodes,
            edges=sorted(
                (
                    LineageEdge(source=refs[s], target=refs[t], role=role)
                    for s, t, role in edges
                    if s in refs and t in refs
                ),
                key=lambda e: (e.source, e.target, e.role),
            ),
            truncated=truncated,
        )
