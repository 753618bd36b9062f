/**
 * The KAML-D side panel: artifacts, then one artifact's versions and aliases, then one version's
 * files (each with "Copy code to open this file") and its lineage, upstream and downstream.
 */
import { ReactWidget } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import * as React from 'react';

import {
  Alias,
  Artifact,
  FileEntry,
  formatBytes,
  gateway,
  Lineage,
  ProblemError,
  Version
} from './api';

export const COPY_OPEN_CODE = 'kamld:copy-open-code';

type Place =
  | { view: 'artifacts' }
  | { view: 'artifact'; name: string }
  | { view: 'version'; name: string; ref: string };

function useLoad<T>(load: () => Promise<T>, keys: unknown[]): { data?: T; error?: string } {
  const [state, setState] = React.useState<{ data?: T; error?: string }>({});
  React.useEffect(() => {
    let live = true;
    setState({});
    load().then(
      data => live && setState({ data }),
      error => live && setState({ error: error instanceof ProblemError ? error.message : String(error) })
    );
    return () => {
      live = false;
    };
  }, keys);
  return state;
}

function Problem({ text }: { text: string }): JSX.Element {
  return (
    <div className="kamld-problem" role="alert">
      {text}
    </div>
  );
}

function ArtifactList(props: { open: (place: Place) => void; generation: number }): JSX.Element {
  const { data, error } = useLoad(() => gateway.artifacts(), [props.generation]);
  if (error) {
    return <Problem text={error} />;
  }
  if (!data) {
    return <div className="kamld-loading">Loading artifacts…</div>;
  }
  if (data.items.length === 0) {
    return <div className="kamld-empty">No artifacts yet: push a folder from the file browser.</div>;
  }
  return (
    <ul className="kamld-list kamld-artifacts">
      {data.items.map((artifact: Artifact) => (
        <li key={artifact.name}>
          <button
            className="kamld-link kamld-artifact"
            data-name={artifact.name}
            onClick={() => props.open({ view: 'artifact', name: artifact.name })}
          >
            <span className="kamld-name">{artifact.name}</span>
            <span className="kamld-kind">{artifact.kind}</span>
            <span className="kamld-meta">{artifact.latest ? artifact.latest.name : 'no versions'}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function ArtifactView(props: { name: string; open: (place: Place) => void; generation: number }): JSX.Element {
  const versions = useLoad(() => gateway.versions(props.name), [props.name, props.generation]);
  const aliases = useLoad(() => gateway.aliases(props.name), [props.name, props.generation]);
  return (
    <div>
      <h3>Versions</h3>
      {versions.error && <Problem text={versions.error} />}
      <ul className="kamld-list kamld-versions">
        {(versions.data?.items ?? []).map((version: Version) => (
          <li key={version.ref}>
            <button
              className="kamld-link kamld-version"
              data-ref={version.ref}
              onClick={() => props.open({ view: 'version', name: props.name, ref: version.name })}
            >
              <span className="kamld-name">{version.name}</span>
              <span className="kamld-meta">
                {version.file_count} files, {formatBytes(version.total_bytes)}
                {version.aliases.length > 0 && ` · ${version.aliases.join(', ')}`}
              </span>
              <span className="kamld-message">{version.message || '(no message)'}</span>
              <span className="kamld-meta">
                {version.author}, {new Date(version.created_at).toLocaleString()}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <h3>Aliases</h3>
      {aliases.error && <Problem text={aliases.error} />}
      <ul className="kamld-list kamld-aliases">
        {(aliases.data ?? []).map((alias: Alias) => (
          <li key={alias.alias}>
            <span className="kamld-name">{alias.alias}</span> → {alias.version.name}
            <span className="kamld-meta"> by {alias.updated_by}</span>
          </li>
        ))}
        {aliases.data && aliases.data.length === 0 && <li className="kamld-empty">none</li>}
      </ul>
    </div>
  );
}

function LineageSide(props: { title: string; lineage: Lineage; open: (place: Place) => void }): JSX.Element {
  const { lineage } = props;
  const roleOf = (ref: string): string =>
    lineage.edges.find(edge => edge.from === ref || edge.to === ref)?.role ?? '';
  const nodes = lineage.nodes.filter(node => node.ref !== lineage.root).sort((a, b) => a.distance - b.distance);
  return (
    <div className={`kamld-lineage-${props.title.toLowerCase()}`}>
      <h4>{props.title}</h4>
      {nodes.length === 0 && <div className="kamld-empty">none</div>}
      <ul className="kamld-list">
        {nodes.map(node => (
          <li key={node.ref}>
            <button
              className="kamld-link kamld-lineage-node"
              onClick={() => props.open({ view: 'version', name: node.artifact, ref: node.ref.split(':')[1] })}
            >
              <span className="kamld-name">{node.ref}</span>
              <span className="kamld-kind">{node.kind}</span>
              <span className="kamld-meta">
                {roleOf(node.ref)} · {node.distance} step{node.distance === 1 ? '' : 's'}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {lineage.truncated && <div className="kamld-meta">(deeper lineage not shown)</div>}
    </div>
  );
}

function VersionView(props: {
  name: string;
  version: string;
  commands: CommandRegistry;
  open: (place: Place) => void;
}): JSX.Element {
  const files = useLoad(() => gateway.files(props.name, props.version), [props.name, props.version]);
  const upstream = useLoad(() => gateway.lineage(props.name, props.version, 'up'), [props.name, props.version]);
  const downstream = useLoad(() => gateway.lineage(props.name, props.version, 'down'), [props.name, props.version]);
  return (
    <div>
      <h3>Files</h3>
      {files.error && <Problem text={files.error} />}
      <ul className="kamld-list kamld-files">
        {(files.data?.items ?? []).map((file: FileEntry) => {
          const reference = `${props.name}:${props.version}/${file.path}`;
          return (
            <li key={file.path} className="kamld-file" data-reference={reference}>
              <span className="kamld-name">{file.path}</span>
              <span className="kamld-meta">{formatBytes(file.size)}</span>
              <button
                className="kamld-copy-code jp-mod-styled"
                title={`Copy code to open ${reference}`}
                onClick={() => props.commands.execute(COPY_OPEN_CODE, { reference })}
              >
                Copy code
              </button>
            </li>
          );
        })}
      </ul>
      <h3>Lineage</h3>
      {upstream.error && <Problem text={upstream.error} />}
      {upstream.data && <LineageSide title="Upstream" lineage={upstream.data} open={props.open} />}
      {downstream.data && <LineageSide title="Downstream" lineage={downstream.data} open={props.open} />}
    </div>
  );
}

function Breadcrumbs(props: { place: Place; open: (place: Place) => void; refresh: () => void }): JSX.Element {
  const { place, open } = props;
  return (
    <div className="kamld-breadcrumbs">
      <button className="kamld-link" onClick={() => open({ view: 'artifacts' })}>
        Artifacts
      </button>
      {place.view !== 'artifacts' && (
        <>
          {' / '}
          <button className="kamld-link" onClick={() => open({ view: 'artifact', name: place.name })}>
            {place.name}
          </button>
        </>
      )}
      {place.view === 'version' && <> / {place.ref}</>}
      <button className="kamld-refresh jp-mod-styled" title="Refresh" onClick={props.refresh}>
        ↻
      </button>
    </div>
  );
}

function Browser(props: { commands: CommandRegistry; changed: Signal<KamldPanel, void> }): JSX.Element {
  const [place, open] = React.useState<Place>({ view: 'artifacts' });
  const [generation, setGeneration] = React.useState(0);
  React.useEffect(() => {
    const bump = () => setGeneration(value => value + 1);
    props.changed.connect(bump);
    return () => {
      props.changed.disconnect(bump);
    };
  }, [props.changed]);
  return (
    <div className="kamld-browser">
      <h2>KAML-D</h2>
      <Breadcrumbs place={place} open={open} refresh={() => setGeneration(generation + 1)} />
      {place.view === 'artifacts' && <ArtifactList open={open} generation={generation} />}
      {place.view === 'artifact' && <ArtifactView name={place.name} open={open} generation={generation} />}
      {place.view === 'version' && (
        <VersionView name={place.name} version={place.ref} commands={props.commands} open={open} />
      )}
    </div>
  );
}

/** The side panel; `refresh()` reloads what it shows (after a push or pull). */
export class KamldPanel extends ReactWidget {
  private readonly changed = new Signal<KamldPanel, void>(this);

  constructor(private readonly commands: CommandRegistry) {
    super();
    this.id = 'kamld-panel';
    this.addClass('kamld-panel');
  }

  refresh(): void {
    this.changed.emit();
  }

  render(): JSX.Element {
    return <Browser commands={this.commands} changed={this.changed} />;
  }
}
