import { Resvg } from '@resvg/resvg-js';
import type * as ECharts from 'echarts';

let echartsModule: typeof ECharts | undefined;

/**
 * ECharts, loaded at the first chart rather than at every start: it is an ES module of about
 * 0.25 s to load (0.6 s on a loaded machine) that only a digest being sent needs.
 */
function echarts(): typeof ECharts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, lazy, for the reason above
  return (echartsModule ??= require('echarts') as typeof ECharts);
}

export interface ChartSeries {
  name: string;
  type: 'bar' | 'line';
  data: (number | null)[];
  color: string;
  stack?: string;
  axis?: 0 | 1;
}

export interface ChartSpec {
  title: string;
  labels: string[];
  series: ChartSeries[];
}

const WIDTH = 600;
const HEIGHT = 240;

/** The dashboard's palette names (KPI_CHARTS colours) as colours that read on white. */
export const CHART_COLORS: Record<string, string> = {
  positive: '#1a9850',
  negative: '#d73027',
  neutral: '#9e9e9e',
  primary: '#2b6cb0',
  accent: '#dd6b20',
  teal: '#319795',
  violet: '#6b46c1',
};

/**
 * A chart as a PNG for an email: ECharts' server-side SVG rendering (no DOM, no canvas), then
 * rasterised by resvg at twice the size for sharp text on high-density screens. White background
 * on purpose: a dark-mode client leaves images as they are, so the chart stays readable.
 */
export function renderChartPng(spec: ChartSpec): Buffer {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    const twoAxes = spec.series.some((s) => s.axis === 1);
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
      title: { text: spec.title, left: 8, top: 4, textStyle: { fontSize: 13, color: '#1a202c' } },
      legend: { bottom: 2, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11, color: '#4a5568' } },
      grid: { left: 48, right: twoAxes ? 48 : 16, top: 36, bottom: 48 },
      xAxis: { type: 'category', data: spec.labels, axisLabel: { fontSize: 10, color: '#4a5568' } },
      yAxis: [
        { type: 'value', axisLabel: { fontSize: 10, color: '#4a5568' } },
        ...(twoAxes ? [{ type: 'value', axisLabel: { fontSize: 10, color: '#4a5568' }, splitLine: { show: false } }] : []),
      ],
      series: spec.series.map((s) => ({
        name: s.name,
        type: s.type,
        data: s.data,
        stack: s.stack,
        yAxisIndex: s.axis ?? 0,
        itemStyle: { color: s.color },
        lineStyle: s.type === 'line' ? { width: 2 } : undefined,
        connectNulls: false,
      })),
    });
    const svg = chart.renderToSVGString();
    return new Resvg(svg, { fitTo: { mode: 'width', value: WIDTH * 2 }, font: { loadSystemFonts: true } }).render().asPng();
  } finally {
    chart.dispose();
  }
}
