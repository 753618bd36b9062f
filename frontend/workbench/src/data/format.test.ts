import { describe, expect, it } from "vitest";

import {
  backlogSize,
  defaultQuery,
  describeRule,
  formatCell,
  formatNumber,
  highlightPieces,
  histogramBars,
  hitTarget,
  isQueryable,
} from "./format";

describe("histogramBars", () => {
  it("scales bars to the largest bin and keeps non-empty bins visible", () => {
    const bars = histogramBars(
      [
        { from: 0, to: 1, count: 10 },
        { from: 1, to: 2, count: 0 },
        { from: 2, to: 3, count: 5 },
        { from: 3, to: 4, count: 0.001 },
      ],
      100,
      40,
    );
    expect(bars.map((b) => b.height)).toEqual([40, 0, 20, 1]);
    expect(bars.map((b) => b.y)).toEqual([0, 40, 20, 39]);
    expect(bars.map((b) => b.x)).toEqual([0, 25, 50, 75]);
    expect(bars[0]!.width).toBe(24);
    expect(bars[2]!.label).toBe("2 to 3: 5");
  });

  it("draws nothing for no bins and flat zero bars for empty ones", () => {
    expect(histogramBars([], 100, 40)).toEqual([]);
    expect(histogramBars([{ from: 0, to: 1, count: 0 }], 10, 10)[0]!.height).toBe(0);
  });
});

describe("formatting", () => {
  it("formats cells and numbers", () => {
    expect(formatCell(null)).toBe("null");
    expect(formatCell(3)).toBe("3");
    expect(formatCell(2.3456789)).toBe("2.346");
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
    expect(formatCell("x")).toBe("x");
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(0.0001234)).toBe("1.234e-4");
    expect(formatNumber(undefined)).toBe("");
  });

  it("quotes the table reference of the default query", () => {
    expect(defaultQuery("faces", "v3", "labels.csv")).toBe("SELECT * FROM 'faces:v3/labels.csv' LIMIT 100");
    expect(defaultQuery("faces", "v3", "it's.csv")).toBe("SELECT * FROM 'faces:v3/it''s.csv' LIMIT 100");
    expect(isQueryable("a/b.parquet")).toBe(true);
    expect(isQueryable("a/b.JSONL")).toBe(true);
    expect(isQueryable("a/b.png")).toBe(false);
  });
});

describe("highlightPieces", () => {
  it("cuts the text at the spans, in order, ignoring overlaps and out-of-range offsets", () => {
    expect(highlightPieces("images/person-1.png", [[7, 13]])).toEqual([
      { text: "images/", match: false },
      { text: "person", match: true },
      { text: "-1.png", match: false },
    ]);
    expect(highlightPieces("abcdef", [[4, 99], [0, 2], [1, 3]])).toEqual([
      { text: "ab", match: true },
      { text: "c", match: true },
      { text: "d", match: false },
      { text: "ef", match: true },
    ]);
    expect(highlightPieces("abc", [])).toEqual([{ text: "abc", match: false }]);
  });
});

describe("search and policies", () => {
  it("links hits to versions and files", () => {
    expect(hitTarget({ type: "artifact", artifact: "a" })).toEqual({ version: null, path: null });
    expect(hitTarget({ type: "version", artifact: "a", version: 2 })).toEqual({ version: "v2", path: null });
    expect(hitTarget({ type: "column", artifact: "a", version: 2, path: "t.csv" })).toEqual({
      version: "v2",
      path: "t.csv",
    });
  });

  it("sums the backlog and describes rules", () => {
    expect(backlogSize({})).toBe(0);
    expect(backlogSize({ manifest: 2, version: 1 })).toBe(3);
    expect(describeRule({ rule: "metric_threshold", metric: "f1", min: 0.8, max: null })).toBe("f1 at least 0.8");
    expect(describeRule({ rule: "metric_not_worse", metric: "loss", direction: "min", tolerance: 0 })).toBe(
      "loss not worse than the current version's (lower is better)",
    );
    expect(describeRule({ rule: "requires_metadata", key: "review.approved", value: true })).toBe(
      "metadata review.approved = true",
    );
  });
});
