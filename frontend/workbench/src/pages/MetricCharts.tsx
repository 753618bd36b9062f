/** One line chart per metric over step, drawn with uPlot (loaded only when a run page shows metrics). */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import { formatMetric, type ChartSeries } from "../runs";

const HEIGHT = 200;
const STEP_INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 1e6, 1e7];

export default function MetricCharts({ series }: { series: ChartSeries[] }) {
  return (
    <ul className="charts plain" aria-label="Metric charts">
      {series.map((one) => (
        <li key={one.name}>
          <MetricChart series={one} />
        </li>
      ))}
    </ul>
  );
}

function MetricChart({ series }: { series: ChartSeries }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = Math.max(element.clientWidth, 200);
    const options: uPlot.Options = {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        // steps are whole numbers: no ticks between them
        { label: "step", stroke: "#57606a", incrs: STEP_INCREMENTS },
        { stroke: "#57606a", values: (_u, ticks) => ticks.map((t) => formatMetric(t)) },
      ],
      series: [{ label: "step" }, { label: series.name, stroke: "#0a58ca", width: 2, points: { show: true, size: 5 } }],
    };
    const plot = new uPlot(options, [series.steps, series.values], element);
    chart.current = plot;
    const resize = new ResizeObserver(() => {
      const next = Math.max(element.clientWidth, 200);
      if (next !== plot.width) plot.setSize({ width: next, height: HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
    // a new chart only for another metric; new points are set below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [series.name]);

  useEffect(() => {
    chart.current?.setData([series.steps, series.values]);
  }, [series]);

  const summary =
    `${series.name}: ${series.values.length} point${series.values.length === 1 ? "" : "s"}` +
    (series.last !== null ? `, last ${formatMetric(series.last)} at step ${series.steps[series.steps.length - 1]}` : "");
  return (
    <figure className="chart" data-metric={series.name} data-points={series.values.length}>
      <figcaption>
        <strong>{series.name}</strong> <span className="muted">{series.last !== null ? `last ${formatMetric(series.last)}` : ""}</span>
      </figcaption>
      <div ref={box} role="img" aria-label={summary} className="chart-box" />
      <details>
        <summary>Values of {series.name}</summary>
        <div className="scroll-x chart-values">
          <table>
            <caption className="sr-only">{series.name} by step</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col" className="num">
                  {series.name}
                </th>
              </tr>
            </thead>
            <tbody>
              {series.steps.map((step, i) => (
                <tr key={step}>
                  <td>{step}</td>
                  <td className="num">{formatMetric(series.values[i])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
