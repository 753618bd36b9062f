import { describe, expect, it } from "vitest";

import { parseDelimited } from "./delimited";
import { previewKind } from "./kinds";

describe("parseDelimited", () => {
  it("reads quoted fields with delimiters, quotes and newlines", () => {
    const text = 'id,label\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n';
    expect(parseDelimited(text, ",", 10, true)).toEqual([
      ["id", "label"],
      ["1", "a, b"],
      ["2", 'say "hi"'],
      ["3", "two\nlines"],
    ]);
  });

  it("stops at maxRows and drops a line cut off by a ranged read", () => {
    expect(parseDelimited("a\tb\n1\t2\n3\t4\n5\t", "\t", 2, false)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseDelimited("a\tb\n1\t2\n5\t", "\t", 10, false)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("keeps a last line without a newline when the file is whole", () => {
    expect(parseDelimited("x,y\r\n1,2", ",", 10, true)).toEqual([
      ["x", "y"],
      ["1", "2"],
    ]);
  });
});

describe("previewKind", () => {
  it("picks the preview by extension", () => {
    expect(previewKind("img/a.PNG")).toBe("image");
    expect(previewKind("data/train.tsv")).toBe("table");
    expect(previewKind("part-0.parquet")).toBe("parquet");
    expect(previewKind("README.md")).toBe("markdown");
    expect(previewKind("model.bin")).toBe("none");
  });
});
