import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/lib/core';

// Only what the reports draw: bars, lines, a grid, a legend, a tooltip, the canvas renderer.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const PALETTE = ['#1f5fbf', '#d46b08', '#237804', '#a8071a', '#531dab', '#08979c'];

export interface ChartSeries {
  name: string;
  data: number[];
}

/**
 * A bar (vertical or horizontal) or line chart; `label` is its text alternative (role="img"), and the
 * same numbers are in the table next to it.
 */
export default function ReportChart({
  type,
  categories,
  series,
  label,
  format,
}: {
  type: 'bar' | 'hbar' | 'line';
  categories: string[];
  series: ChartSeries[];
  label: string;
  format: (value: number) => string;
}) {
  const horizontal = type === 'hbar';
  const valueAxis = {
    type: 'value' as const,
    minInterval: 1,
    axisLabel: { formatter: (v: number) => format(v) },
  };
  const categoryAxis = {
    type: 'category' as const,
    data: categories,
    axisLabel: horizontal
      ? { width: 200, overflow: 'truncate' as const }
      : { interval: 0, hideOverlap: true },
  };
  const height = horizontal ? Math.max(160, categories.length * series.length * 24 + 60) : 260;
  return (
    <div role="img" aria-label={label} data-chart="">
      <ReactEChartsCore
        echarts={echarts}
        style={{ height }}
        notMerge
        option={{
          // Still pictures: a report is read, not watched.
          animation: false,
          color: PALETTE,
          grid: { left: 8, right: 40, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
          legend: series.length > 1 ? { top: 0 } : undefined,
          tooltip: {
            trigger: 'axis',
            axisPointer: { type: type === 'line' ? 'line' : 'shadow' },
            valueFormatter: (v: unknown) => format(Number(v)),
          },
          xAxis: horizontal ? valueAxis : categoryAxis,
          yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
          series: series.map((s) => ({
            name: s.name,
            type: type === 'line' ? 'line' : 'bar',
            data: s.data,
            barMaxWidth: 28,
            showSymbol: true,
            label:
              type === 'line'
                ? undefined
                : {
                    show: true,
                    position: horizontal ? 'right' : 'top',
                    formatter: (p: { value: number }) => format(p.value),
                  },
          })),
        }}
      />
    </div>
  );
}
