/**
 * Calls to the Jupyter server extension: the gateway's public API through `kamld/api/...` with the
 * shared generated client (the server adds its own KAML-D credentials), and the push and pull jobs
 * at `kamld/jobs/...`. Every error is problem details, raised as a `ProblemError`.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { createKamldClient, type Problem, ProblemError, unwrap } from '@kamld/client';

export type { Alias, Artifact, FileEntry, LineageGraph as Lineage, Problem, Version } from '@kamld/client';
export { ProblemError };

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
    throw new ProblemError(
      { type: 'about:blank', title: 'Network error', status: 0, code: 'network_error', detail: String(error) },
      0
    );
  }
  const text = await response.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const problem: Problem = {
      type: 'about:blank',
      title: response.statusText || 'Error',
      status: response.status,
      code: `http_${response.status}`,
      ...(body && typeof body === 'object' ? body : {}),
      detail: body?.detail ?? body?.message ?? (text || `HTTP ${response.status}`)
    };
    throw new ProblemError(problem, response.status);
  }
  return body as T;
}

const enc = encodeURIComponent;

/** Jupyter's own credentials (its XSRF cookie, a page token if any) on every call to the server. */
function jupyterFetch(request: Request): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  const headers = new Headers(request.headers);
  if (settings.token) {
    headers.set('Authorization', `token ${settings.token}`);
  }
  const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
  if (xsrf) {
    headers.set('X-XSRFToken', xsrf[1]);
  }
  return settings.fetch.call(globalThis, new Request(request, { headers, credentials: 'same-origin' }));
}

/** The public API through the server extension's proxy (`<base>/kamld/api/v1/...`). */
const client = createKamldClient({
  baseUrl: URLExt.join(ServerConnection.makeSettings().baseUrl, 'kamld'),
  fetch: jupyterFetch as typeof globalThis.fetch
});

/** The gateway's public API, as far as the panel uses it. */
export const gateway = {
  artifacts: async () =>
    unwrap(await client.GET('/api/v1/artifacts', { params: { query: { limit: 100 } } })),
  versions: async (name: string) =>
    unwrap(await client.GET('/api/v1/artifacts/{name}/versions', { params: { path: { name }, query: { limit: 100 } } })),
  aliases: async (name: string) =>
    unwrap(await client.GET('/api/v1/artifacts/{name}/aliases', { params: { path: { name } } })),
  files: async (name: string, ref: string) =>
    unwrap(
      await client.GET('/api/v1/artifacts/{name}/versions/{ref}/files', {
        params: { path: { name, ref }, query: { limit: 1000 } }
      })
    ),
  lineage: async (name: string, ref: string, direction: 'up' | 'down') =>
    unwrap(
      await client.GET('/api/v1/artifacts/{name}/versions/{ref}/lineage', {
        params: { path: { name, ref }, query: { direction, depth: 5 } }
      })
    )
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
