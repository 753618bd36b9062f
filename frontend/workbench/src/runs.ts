/** What the run pages show, as pure functions (unit-tested): statuses, refs, metric series. */
import type { Schemas } from "@kamld/client";

import { versionPath } from "./api";

export type Run = Schemas["RunView"];
export type RunStatus = Schemas["RunStatus"];
export type MetricPoint = Schemas["MetricPoint"];

export const RUN_STATUSES: RunStatus[] = ["queued", "running", "succeeded", "failed", "cancelled"];

/** Whether the run may still change (its log may grow, its metrics may come). */
export function isActive(status: RunStatus): boolean {
  return status === "queued" || status === "running";
}

/** What the trainer allows: cancel a queued or running run, retry a failed or cancelled one. */
export function canCancel(status: RunStatus): boolean {
  return isActive(status);
}

export function canRetry(status: RunStatus): boolean {
  return status === "failed" || status === "cancelled";
}

/** `NAME:vN` split into the artifact and the version (the name may hold no colon). */
export function splitRef(ref: string): { artifact: string; version: string } | null {
  const at = ref.lastIndexOf(":");
  if (at <= 0 || at === ref.length - 1) return null;
  return { artifact: ref.slice(0, at), version: ref.slice(at + 1) };
}

/** The Workbench page of a `NAME:vN` ref, or null when it is not one. */
export function refPath(ref: string): string | null {
  const split = splitRef(ref);
  return split ? versionPath(split.artifact, split.version) : null;
}

export function runPath(id: string): string {
  return `/runs/${encodeURIComponent(id)}`;
}

/** What the run trains with: its recipe, or its code ref and entrypoint. */
export function describeSource(run: Pick<Run, "recipe" | "code" | "entrypoint">): string {
  if (run.recipe) return `recipe ${run.recipe}`;
  if (run.code) return run.entrypoint?.length ? `${run.code.ref} (${run.entrypoint.join(" ")})` : run.code.ref;
  return "tracked by hand";
}

/** The run id a version's metadata names (`metadata.run.id`, written by the trainer), if any. */
export function runIdOf(metadata: Record<string, unknown> | null | undefined): string | null {
  const run = metadata?.run;
  if (typeof run !== "object" || run === null) return null;
  const id = (run as Record<string, unknown>).id;
  return typeof id === "string" && id ? id : null;
}

/** One chart's data: steps on x, values on y, ordered by step (the last point of a step wins). */
export interface ChartSeries {
  name: string;
  steps: number[];
  values: number[];
  last: number | null;
}

export function toChartSeries(series: Record<string, MetricPoint[]>): ChartSeries[] {
  return Object.keys(series)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const byStep = new Map<number, number>();
      for (const point of series[name] ?? []) {
        if (Number.isFinite(point.value) && Number.isFinite(point.step)) byStep.set(point.step, point.value);
      }
      const steps = [...byStep.keys()].sort((a, b) => a - b);
      const values = steps.map((step) => byStep.get(step)!);
      return { name, steps, values, last: values.length ? values[values.length - 1]! : null };
    });
}

/** A number short enough for a table cell or a chart label. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "";
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** How long the run took (or has taken), as `1h 2m`, `3m 4s` or `5s`. */
export function formatDuration(fromIso: string | null | undefined, toIso: string | null | undefined): string {
  if (!fromIso || !toIso) return "";
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return "";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
