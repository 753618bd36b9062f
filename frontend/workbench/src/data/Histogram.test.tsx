import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { Histogram } from "./Profile";

describe("Histogram", () => {
  it("draws one bar per bin, labelled for screen readers", () => {
    const { container } = render(
      <Histogram
        column="score"
        bins={[
          { from: 0, to: 0.5, count: 3 },
          { from: 0.5, to: 1, count: 6 },
        ]}
      />,
    );
    const svg = container.querySelector("svg")!;
    expect(svg.getAttribute("role")).toBe("img");
    expect(svg.getAttribute("aria-label")).toBe("Histogram of score: 0 to 0.5: 3; 0.5 to 1: 6");
    const heights = [...svg.querySelectorAll("rect")].map((r) => Number(r.getAttribute("height")));
    expect(heights).toEqual([18, 36]);
    expect([...svg.querySelectorAll("title")].map((t) => t.textContent)).toEqual(["0 to 0.5: 3", "0.5 to 1: 6"]);
  });
});
