import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/lib/core';

// Only the parts the console draws: bars, a grid, a tooltip, the canvas renderer.
echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** A horizontal bar per reason; the same numbers are in the table beside it for screen readers. */
export default function SuppressionsChart({
  rows,
  label,
}: {
  rows: { name: string; count: number }[];
  label: string;
}) {
  const sorted = [...rows].sort((a, b) => a.count - b.count);
  return (
    <div role="img" aria-label={label}>
      <ReactEChartsCore
        echarts={echarts}
        style={{ height: Math.max(160, sorted.length * 36 + 40) }}
        notMerge
        option={{
          animation: !window.matchMedia('(prefers-reduced-motion: reduce)').matches,
          grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: {
            type: 'category',
            data: sorted.map((r) => r.name),
            axisLabel: { width: 220, overflow: 'truncate' },
          },
          series: [
            {
              type: 'bar',
              barMaxWidth: 24,
              data: sorted.map((r) => r.count),
              itemStyle: { color: '#1f5fbf' },
              label: { show: true, position: 'right' },
            },
          ],
        }}
      />
    </div>
  );
}
