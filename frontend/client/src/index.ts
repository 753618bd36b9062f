/**
 * The typed client of the KAML-D public API (`/api/v1`), shared by every front end.
 *
 * The types in `schema.ts` are generated from `docs/openapi/public-v1.json` (`make openapi`);
 * calls go through openapi-fetch, so paths, parameters, bodies and answers are all checked by
 * the compiler. Every error answer is an RFC 9457 problem; `unwrap` turns one into a thrown
 * `ProblemError` carrying it.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Artifact = Schemas["ArtifactView"];
export type Version = Schemas["VersionView"];
export type FileEntry = Schemas["FileView"];
export type Alias = Schemas["AliasView"];
export type AliasEvent = Schemas["AliasEventView"];
export type Diff = Schemas["DiffView"];
export type FileChange = Schemas["FileChange"];
export type LineageGraph = Schemas["LineageGraph"];
export type LineageNode = Schemas["LineageNode"];
export type LineageEdge = Schemas["LineageEdge"];
export type PlatformStatus = Schemas["PlatformStatus"];
export type Caller = Schemas["Caller"];
export type Role = Schemas["Role"];
export type TokenInfo = Schemas["TokenInfo"];
export type TokenCreated = Schemas["TokenCreated"];

export type KamldClient = Client<paths, "application/json">;

/** The header carrying the CSRF token on mutations authenticated by the session cookie. */
export const CSRF_HEADER = "X-CSRF-Token";
/** The readable cookie holding the CSRF token the browser echoes in {@link CSRF_HEADER}. */
export const CSRF_COOKIE = "kamld_csrf";

export interface KamldClientOptions {
  /** Where the gateway is, e.g. `http://127.0.0.1:8080`; `""` for the page's own origin. */
  baseUrl: string;
  /** The `fetch` to call (a server-side one, a test double's); the global one by default. */
  fetch?: typeof globalThis.fetch;
  /** Headers sent with every call, e.g. `{ Authorization: "Bearer …" }`. */
  headers?: Record<string, string>;
  /**
   * For a browser signed in with the session cookie: the CSRF token to send on mutations. `true`
   * reads it from the {@link CSRF_COOKIE} cookie at each call.
   */
  csrf?: boolean | (() => string | null | undefined);
}

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A client of the public API; see {@link KamldClientOptions}. */
export function createKamldClient(options: KamldClientOptions): KamldClient {
  const client = createClient<paths, "application/json">({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    fetch: options.fetch,
    headers: options.headers,
    credentials: "same-origin",
  });
  const csrf = options.csrf === true ? readCsrfCookie : options.csrf || undefined;
  if (csrf) {
    const middleware: Middleware = {
      onRequest({ request }) {
        const token = csrf();
        if (token && MUTATIONS.has(request.method.toUpperCase())) request.headers.set(CSRF_HEADER, token);
        return request;
      },
    };
    client.use(middleware);
  }
  return client;
}

/** The CSRF token from the page's cookies (null outside a browser or before sign-in). */
export function readCsrfCookie(): string | null {
  if (typeof document === "undefined") return null;
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("="));
  }
  return null;
}

/** An error answer of the API, with its problem details (`detail` says what went wrong). */
export class ProblemError extends Error {
  readonly problem: Problem;
  readonly status: number;

  constructor(problem: Problem, status: number) {
    super(problem.detail || problem.title);
    this.name = "ProblemError";
    this.problem = problem;
    this.status = status;
  }

  get code(): string {
    return this.problem.code;
  }
}

/** Whether `value` has the shape of a problem-details body. */
export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).status === "number" &&
    typeof (value as Problem).detail === "string"
  );
}

/** Turn any error body into a problem (a proxy's HTML page or an empty body included). */
export function toProblem(error: unknown, response: Response): Problem {
  if (isProblem(error)) return error;
  const detail = typeof error === "string" && error ? error : `${response.status} ${response.statusText}`.trim();
  return {
    type: "about:blank",
    title: response.statusText || "Error",
    status: response.status,
    detail,
    code: "http_error",
  };
}

/**
 * The data of an openapi-fetch answer, or a thrown {@link ProblemError}:
 * `const artifact = unwrap(await client.GET("/api/v1/artifacts/{name}", …))`.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new ProblemError(toProblem(result.error, result.response), result.response.status);
  }
  return result.data as T;
}

/**
 * Every item of a paged list, following `next` cursors: `for await (const a of allPages(after =>
 * client.GET("/api/v1/artifacts", { params: { query: { after } } })))`.
 */
export async function* allPages<T>(
  fetchPage: (after: string | undefined) => Promise<{
    data?: { items: T[]; next?: string | null };
    error?: unknown;
    response: Response;
  }>,
): AsyncGenerator<T> {
  let after: string | undefined;
  do {
    const page = unwrap(await fetchPage(after));
    yield* page.items;
    after = page.next ?? undefined;
  } while (after);
}

/** The public path of a file of a version (for links, `<img src>` and downloads). */
export function filePath(name: string, ref: string, path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `/api/v1/artifacts/${encodeURIComponent(name)}/versions/${encodeURIComponent(ref)}/files/${encoded}`;
}
