// A daily bar chart of spend per series (models, teams), drawn by uPlot.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

const COLOURS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export interface DailySeries {
  days: string[];
  /** Spend per series name, one value a day. */
  series: Map<string, number[]>;
}

export function DailyChart({ data, label }: { data: DailySeries; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || !data.days.length) return;
    const names = [...data.series.keys()];
    const plot = new uPlot(
      {
        width: Math.max(320, box.current.clientWidth),
        height: 220,
        title: label,
        scales: { x: { time: false } },
        axes: [
          { splits: () => data.days.map((_, i) => i), values: (_u, ticks) => ticks.map((tick) => data.days[tick] ?? '') },
          { size: 80, values: (_u, ticks) => ticks.map((tick) => `$${Number(tick.toPrecision(3))}`) },
        ],
        series: [{ label: 'Day', value: (_u, i) => data.days[i] ?? '—' }, ...names.map((name, i) => ({ label: name, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: true } }))],
      },
      [data.days.map((_, i) => i), ...names.map((name) => data.series.get(name)!)],
      box.current,
    );
    return () => plot.destroy();
  }, [data, label]);
  if (!data.days.length) return <p class="muted">No spend in this range.</p>;
  return <div class="chart" ref={box} />;
}
