/** The lineage graph of a version, upstream and downstream, laid out with dagre; click a node to open it. */
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Background, Controls, MarkerType, Position, ReactFlow, type Edge, type Node } from "@xyflow/react";
import dagre from "@dagrejs/dagre";
import "@xyflow/react/dist/style.css";

import type { LineageGraph } from "@kamld/client";

import { api, artifactPath, unwrap, versionPath } from "../api";
import { ErrorBox, Loading } from "../components";
import { useLoad } from "../hooks";

const WIDTH = 200;
const HEIGHT = 56;

export default function Lineage() {
  const { name, ref } = useParams() as { name: string; ref: string };
  const navigate = useNavigate();
  const [depth, setDepth] = useState(5);
  const graph = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/artifacts/{name}/versions/{ref}/lineage", {
          params: { path: { name, ref }, query: { direction: "both", depth } },
        }),
      ),
    [name, ref, depth],
  );
  const layout = useMemo(() => (graph.data ? layOut(graph.data) : null), [graph.data]);

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/">Catalog</Link> / <Link to={artifactPath(name)}>{name}</Link> /{" "}
        <Link to={versionPath(name, ref)}>{ref}</Link> / <span aria-current="page">lineage</span>
      </nav>
      <h1>
        Lineage of {name}:{ref}
      </h1>
      <label>
        Depth{" "}
        <select value={depth} onChange={(e) => setDepth(Number(e.target.value))}>
          {[1, 2, 3, 5, 10, 20].map((d) => (
            <option key={d}>{d}</option>
          ))}
        </select>
      </label>
      <ErrorBox error={graph.error} />
      {!layout && !graph.error ? <Loading /> : null}
      {layout ? (
        <>
          <div className="graph" aria-label="Lineage graph" role="figure">
            <ReactFlow
              nodes={layout.nodes}
              edges={layout.edges}
              fitView
              nodesDraggable={false}
              nodesConnectable={false}
              onNodeClick={(_, node) => navigate(node.data.href as string)}
              proOptions={{ hideAttribution: true }}
            >
              <Background />
              <Controls showInteractive={false} />
            </ReactFlow>
          </div>
          {graph.data?.truncated ? <p className="muted">The graph goes deeper than {depth} steps.</p> : null}
          <h2>Versions in this graph</h2>
          <ul className="plain" aria-label="Lineage nodes">
            {graph.data!.nodes.map((node) => (
              <li key={node.ref}>
                <Link to={versionPath(node.artifact, node.name)}>{node.ref}</Link>{" "}
                <span className="muted">
                  {node.kind}, {node.distance === 0 ? "this version" : `${node.distance} step${Math.abs(node.distance) === 1 ? "" : "s"}`}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function layOut(graph: LineageGraph): { nodes: Node[]; edges: Edge[] } {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 30, ranksep: 80 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.ref, { width: WIDTH, height: HEIGHT });
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to);
  dagre.layout(g);
  const nodes: Node[] = graph.nodes.map((node) => {
    const at = g.node(node.ref);
    return {
      id: node.ref,
      position: { x: at.x - WIDTH / 2, y: at.y - HEIGHT / 2 },
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      data: { label: `${node.ref} (${node.kind})`, href: versionPath(node.artifact, node.name) },
      className: node.ref === graph.root ? "lineage-node root" : `lineage-node ${node.kind}`,
      style: { width: WIDTH },
      ariaLabel: `Open ${node.ref}`,
    };
  });
  const edges: Edge[] = graph.edges.map((edge) => ({
    id: `${edge.from}->${edge.to}`,
    source: edge.from,
    target: edge.to,
    label: edge.role,
    markerEnd: { type: MarkerType.ArrowClosed },
  }));
  return { nodes, edges };
}
