// Renders the results of app-load.ts to SVG with Vega-Lite (compiled to Vega, rendered by
// vega's headless SVG renderer: no browser, no canvas).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { logger, None, parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

interface SummaryRow {
  storeLabel: string;
  endpointLabel: string;
  library: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  cpuMsPerRequest: number;
}

interface Results {
  summary: SummaryRow[];
  machine: { cores: number; loadAverageBefore: number[] };
  versions: Record<string, string>;
  settings: { connections: number; durationSeconds: number; rounds: number };
}

const colors = {
  domain: ["sessionkit", "nextjs-auth0", "no library"],
  range: ["#2f6fdf", "#9a9a9a", "#7fbf7f"],
};

function barChart(
  results: Results,
  field: keyof SummaryRow,
  title: string,
  axisTitle: string,
): TopLevelSpec {
  const { settings, machine } = results;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: title,
      subtitle:
        `bench/app on Next ${results.versions.next}, ${settings.connections} connections, ` +
        `median of ${settings.rounds} × ${settings.durationSeconds} s, ${machine.cores} cores ` +
        `(load average ${machine.loadAverageBefore[0]} at start)`,
      anchor: "start",
    },
    data: { values: results.summary },
    // One bar per row: "Redis · sessionkit"; the floors, which belong to no library, by name.
    transform: [
      {
        calculate:
          "datum.library === 'no library' ? datum.storeLabel : datum.storeLabel + ' · ' + datum.library",
        as: "row",
      },
    ],
    // No ARIA roles on every mark: the SVG gets one <title> instead (see `svg`).
    config: { font: "sans-serif", view: { stroke: null }, aria: false },
    facet: {
      row: { field: "endpointLabel", title: null, sort: ["route handler", "page"] },
    },
    // The floors have no page row: each facet keeps only its own rows.
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 520,
      height: { step: 16 },
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            y: { field: "row", title: null, sort: null, axis: { labelLimit: 300 } },
            x: { field, type: "quantitative", title: axisTitle },
            color: {
              field: "library",
              scale: colors,
              legend: { title: null, orient: "top" },
            },
          },
        },
        {
          mark: { type: "text", align: "left", dx: 3, fontSize: 10 },
          encoding: {
            y: { field: "row", sort: null },
            x: { field, type: "quantitative" },
            text: {
              field,
              type: "quantitative",
              format: field === "cpuMsPerRequest" ? ".2f" : ".0f",
            },
          },
        },
      ],
    },
  };
}

async function svg(spec: TopLevelSpec, title: string): Promise<string> {
  // Silent: the floor row exists in one facet only, which Vega-Lite warns about at length.
  const view = new View(parse(compile(spec, { logger: logger(None) }).spec), { renderer: "none" });
  const markup = await view.toSVG();
  // Vega still labels its group containers with ARIA roles, which a static picture does not need.
  return markup
    .replace(/ (?:role|aria-[a-z]+)="[^"]*"/g, "")
    .replace(/^(<svg[^>]*>)/, `$1<title>${title}</title>`);
}

/** Writes app-requests-per-second.svg, app-latency-p99.svg and app-cpu-per-request.svg. */
export async function renderCharts(results: Results, folder: string): Promise<void> {
  const charts: Array<[string, keyof SummaryRow, string, string]> = [
    [
      "app-requests-per-second.svg",
      "requestsPerSecond",
      "Requests per second (higher is better)",
      "requests/s",
    ],
    ["app-latency-p99.svg", "latencyP99Ms", "p99 latency (lower is better)", "ms"],
    [
      "app-cpu-per-request.svg",
      "cpuMsPerRequest",
      "App CPU per request (lower is better)",
      "CPU ms per request",
    ],
  ];
  for (const [file, field, title, axis] of charts) {
    await writeFile(
      join(folder, file),
      `${await svg(barChart(results, field, title, axis), title)}\n`,
    );
  }
}
