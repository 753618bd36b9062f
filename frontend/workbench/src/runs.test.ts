import { describe, expect, it } from "vitest";

import {
  canCancel,
  canRetry,
  describeSource,
  formatDuration,
  formatMetric,
  isActive,
  refPath,
  runIdOf,
  splitRef,
  toChartSeries,
} from "./runs";

describe("run statuses", () => {
  it("offers cancel while queued or running, retry when failed or cancelled", () => {
    expect(["queued", "running"].every((s) => canCancel(s as never) && isActive(s as never))).toBe(true);
    expect(["succeeded", "failed", "cancelled"].some((s) => canCancel(s as never))).toBe(false);
    expect(canRetry("failed")).toBe(true);
    expect(canRetry("cancelled")).toBe(true);
    expect(canRetry("succeeded")).toBe(false);
    expect(canRetry("running")).toBe(false);
  });
});

describe("refs", () => {
  it("splits NAME:vN at the last colon and links its version", () => {
    expect(splitRef("faces-model:v3")).toEqual({ artifact: "faces-model", version: "v3" });
    expect(splitRef("no-version")).toBeNull();
    expect(splitRef(":v1")).toBeNull();
    expect(refPath("my data:v1")).toBe("/artifacts/my%20data/versions/v1");
  });

  it("names a run's source", () => {
    expect(describeSource({ recipe: "sklearn-tabular", code: null, entrypoint: null })).toBe("recipe sklearn-tabular");
    expect(
      describeSource({ recipe: null, code: { ref: "train:v2", digest: "d" }, entrypoint: ["python", "train.py"] }),
    ).toBe("train:v2 (python train.py)");
    expect(describeSource({ recipe: null, code: null, entrypoint: null })).toBe("tracked by hand");
  });

  it("finds the run id the trainer writes into version metadata", () => {
    expect(runIdOf({ run: { id: "3f1c", recipe: null } })).toBe("3f1c");
    expect(runIdOf({ run: "3f1c" })).toBeNull();
    expect(runIdOf({ run: { id: 7 } })).toBeNull();
    expect(runIdOf({})).toBeNull();
    expect(runIdOf(undefined)).toBeNull();
  });
});

describe("toChartSeries", () => {
  it("orders metrics by name and points by step, the last value of a step winning", () => {
    const at = "2026-01-01T00:00:00Z";
    const charts = toChartSeries({
      loss: [
        { step: 2, value: 0.5, at },
        { step: 0, value: 1, at },
        { step: 1, value: 0.8, at },
        { step: 1, value: 0.7, at },
      ],
      acc: [{ step: 0, value: 0.9, at }],
      empty: [],
    });
    expect(charts.map((c) => c.name)).toEqual(["acc", "empty", "loss"]);
    expect(charts[2]).toEqual({ name: "loss", steps: [0, 1, 2], values: [1, 0.7, 0.5], last: 0.5 });
    expect(charts[1]).toEqual({ name: "empty", steps: [], values: [], last: null });
  });

  it("drops values that cannot be drawn", () => {
    const at = "2026-01-01T00:00:00Z";
    const [chart] = toChartSeries({ x: [{ step: 0, value: Number.NaN, at }, { step: 1, value: 2, at }] });
    expect(chart).toEqual({ name: "x", steps: [1], values: [2], last: 2 });
  });
});

describe("formatting", () => {
  it("shortens metric values", () => {
    expect(formatMetric(3)).toBe("3");
    expect(formatMetric(1 / 3)).toBe("0.3333");
    expect(formatMetric(0.00001234)).toBe("1.234e-5");
    expect(formatMetric(null)).toBe("");
  });

  it("says how long a run took", () => {
    expect(formatDuration("2026-01-01T00:00:00Z", "2026-01-01T00:00:42Z")).toBe("42s");
    expect(formatDuration("2026-01-01T00:00:00Z", "2026-01-01T00:03:04Z")).toBe("3m 4s");
    expect(formatDuration("2026-01-01T00:00:00Z", "2026-01-01T02:05:00Z")).toBe("2h 5m");
    expect(formatDuration(null, "2026-01-01T00:00:00Z")).toBe("");
  });
});
