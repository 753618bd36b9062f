/** The one API client of the Workbench: same origin, the session cookie, CSRF on mutations. */
import { ProblemError, createKamldClient, filePath, unwrap } from "@kamld/client";

export const api = createKamldClient({ baseUrl: "", csrf: true });
export { ProblemError, filePath, unwrap };

/** The problem's detail for any thrown value (what every error box shows). */
export function errorText(error: unknown): string {
  if (error instanceof ProblemError) return error.problem.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function artifactPath(name: string): string {
  return `/artifacts/${encodeURIComponent(name)}`;
}

export function versionPath(name: string, ref: string): string {
  return `${artifactPath(name)}/versions/${encodeURIComponent(ref)}`;
}

/** Every item of a paged list, up to `max` (a file list, a diff). */
export async function allPagesOf<T>(
  fetchPage: (after: string | undefined) => Promise<{
    data?: { items: T[]; next?: string | null };
    error?: unknown;
    response: Response;
  }>,
  max: number,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  do {
    const page = unwrap(await fetchPage(after));
    items.push(...page.items);
    after = page.next ?? undefined;
  } while (after && items.length < max);
  return items;
}
