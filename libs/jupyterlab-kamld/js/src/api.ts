/**
 * Calls to the Jupyter server extension: the gateway's public API through `kamld/api/...`
 * (the server adds its own KAML-D credentials) and the push and pull jobs at `kamld/jobs/...`.
 * Every error is the server's problem details, raised as a `ProblemError`.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail: string;
  errors?: { loc: (string | number)[]; msg: string }[];
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
  }
}

export interface VersionLink {
  artifact: string;
  number: number;
  name: string;
  ref: string;
  digest: string;
}

export interface Artifact {
  name: string;
  kind: string;
  description: string;
  labels: Record<string, string>;
  version_count: number;
  latest: VersionLink | null;
  archived: boolean;
}

export interface Version extends VersionLink {
  kind: string;
  message: string;
  author: string;
  created_at: string;
  file_count: number;
  total_bytes: number;
  aliases: string[];
  inputs: (VersionLink & { role: string })[];
}

export interface Alias {
  alias: string;
  version: VersionLink;
  updated_at: string;
  updated_by: string;
}

export interface FileEntry {
  path: string;
  size: number;
}

export interface LineageNode {
  ref: string;
  artifact: string;
  kind: string;
  distance: number;
  message: string;
}

export interface Lineage {
  root: string;
  nodes: LineageNode[];
  edges: { from: string; to: string; role: string }[];
  truncated: boolean;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Job {
  id: string;
  action: 'push' | 'pull';
  target: string;
  path: string;
  state: 'running' | 'succeeded' | 'failed';
  progress: { phase: string; done: number; total: number };
  result: Record<string, any> | null;
  problem: Problem | null;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'kamld', path);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ProblemError({ status: 0, code: 'network_error', detail: String(error) });
  }
  const text = await response.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const problem: Problem =
      body && typeof body === 'object'
        ? { status: response.status, code: body.code ?? `http_${response.status}`, ...body }
        : { status: response.status, code: `http_${response.status}`, detail: text || response.statusText };
    problem.detail = problem.detail ?? body?.message ?? `HTTP ${response.status}`;
    throw new ProblemError(problem);
  }
  return body as T;
}

const enc = encodeURIComponent;

/** The gateway's public API, as far as the panel uses it. */
export const gateway = {
  artifacts: (after?: string) =>
    request<Page<Artifact>>(`api/v1/artifacts?limit=100${after ? `&after=${enc(after)}` : ''}`),
  versions: (name: string) => request<Page<Version>>(`api/v1/artifacts/${enc(name)}/versions?limit=100`),
  aliases: (name: string) => request<Alias[]>(`api/v1/artifacts/${enc(name)}/aliases`),
  files: (name: string, ref: string) =>
    request<Page<FileEntry>>(`api/v1/artifacts/${enc(name)}/versions/${enc(ref)}/files?limit=1000`),
  lineage: (name: string, ref: string, direction: 'up' | 'down') =>
    request<Lineage>(`api/v1/artifacts/${enc(name)}/versions/${enc(ref)}/lineage?direction=${direction}&depth=5`)
};

export interface PushRequest {
  path: string;
  name: string;
  message: string;
  kind: string;
  inputs: { ref: string; role: string }[];
}

export interface PullRequest {
  path: string;
  ref: string;
  force: boolean;
}

/** Pushes and pulls run by the Jupyter server on the files under its root. */
export const jobs = {
  push: (body: PushRequest) => request<Job>('jobs/push', { method: 'POST', body: JSON.stringify(body) }),
  pull: (body: PullRequest) => request<Job>('jobs/pull', { method: 'POST', body: JSON.stringify(body) }),
  get: (id: string) => request<Job>(`jobs/${enc(id)}`)
};

/** Poll a job until it ends, telling `onUpdate` each time it is read. */
export async function follow(job: Job, onUpdate: (job: Job) => void): Promise<Job> {
  onUpdate(job);
  while (job.state === 'running') {
    await new Promise(resolve => setTimeout(resolve, 250));
    job = await jobs.get(job.id);
    onUpdate(job);
  }
  return job;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
