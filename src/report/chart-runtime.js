// Chart setup shared by the PNG renderer (Node, @napi-rs/canvas) and the HTML report (the
// browser): plain JavaScript, so report-html.ts can inline this very file into the page and
// both sides turn the same JSON chart specs into the same Chart.js configurations.
// It must stay self-contained: no imports, no Node or DOM APIs.

/** Paints the canvas white before Chart.js draws, so PNGs are not transparent. */
export const BACKGROUND_PLUGIN = {
  id: 'payloadBenchBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/**
 * Writes the total of each stacked bar above it, when the chart asks for it with
 * options.plugins.payloadBenchTotals = { display: true, unit: 'ms' }.
 */
export const STACK_TOTALS_PLUGIN = {
  id: 'payloadBenchTotals',
  afterDatasetsDraw(chart, _args, opts) {
    if (!opts || !opts.display) return;
    // Bars only: a line drawn across (e.g. a floor) is not part of the stack.
    const metas = chart.getSortedVisibleDatasetMetas().filter((m) => m.type === 'bar');
    if (metas.length === 0) return;
    const top = metas[metas.length - 1];
    const format = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = 'bold 13px ' + (opts.fontFamily || 'sans-serif');
    ctx.fillStyle = '#222222';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    const count = (chart.data.labels || []).length;
    for (let i = 0; i < count; i++) {
      let sum = 0;
      for (const meta of metas) {
        const v = chart.data.datasets[meta.index].data[i];
        if (typeof v === 'number') sum += v;
      }
      const el = top.data[i];
      if (!el) continue;
      ctx.fillText(format.format(sum) + (opts.unit ? ' ' + opts.unit : ''), el.x, el.y - 4);
    }
    ctx.restore();
  },
};

/**
 * Draws a 95 % confidence interval on each bar (or point) of a dataset that carries
 * `errorBars: [[low, high], ...]` (axis units, one pair per value; null for none). A null
 * `low` starts at the bar's value; a null `high` (the sample cannot bound it) is drawn as
 * an arrow pointing up: the interval is open above.
 */
export const ERROR_BARS_PLUGIN = {
  id: 'payloadBenchErrorBars',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    chart.data.datasets.forEach((ds, i) => {
      if (!ds.errorBars) return;
      const meta = chart.getDatasetMeta(i);
      if (meta.hidden) return;
      const scale = chart.scales[meta.yAxisID];
      ctx.save();
      ctx.strokeStyle = ds.errorBarColor || '#222222';
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, j) => {
        const pair = ds.errorBars[j];
        const raw = ds.data[j];
        const value = raw !== null && typeof raw === 'object' ? raw.y : raw;
        if (!pair || typeof value !== 'number') return;
        const x = el.x;
        const half = Math.max(3, Math.min(8, (el.width || 12) / 4));
        const yLow = scale.getPixelForValue(pair[0] === null ? value : pair[0]);
        const open = pair[1] === null;
        const yHigh = open ? scale.getPixelForValue(value) - 18 : scale.getPixelForValue(pair[1]);
        ctx.beginPath();
        ctx.moveTo(x, yLow);
        ctx.lineTo(x, yHigh);
        if (pair[0] !== null) {
          ctx.moveTo(x - half, yLow);
          ctx.lineTo(x + half, yLow);
        }
        if (open) {
          ctx.moveTo(x - half, yHigh + half);
          ctx.lineTo(x, yHigh);
          ctx.lineTo(x + half, yHigh + half);
        } else {
          ctx.moveTo(x - half, yHigh);
          ctx.lineTo(x + half, yHigh);
        }
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/** Global defaults: pinned font family, base size, text colour. */
export function applyChartDefaults(Chart, fontFamily) {
  Chart.defaults.font.family = fontFamily;
  Chart.defaults.font.size = 14;
  Chart.defaults.color = '#222222';
}

/**
 * A Chart.js configuration from a chart spec ({ config, tickLabels }): a deep copy with
 * animation off, the background plugin, explicit ticks for `tickLabels` axes and tooltip
 * titles taken from a point's `label` when it has one.
 * Datasets with `legendHidden: true` stay out of the legend.
 * options.responsive: false for fixed-size PNGs (devicePixelRatio 1), true in the browser;
 * options.fontFamily: the family for text drawn by plugins.
 */
export function prepareChartConfig(spec, options) {
  const config = JSON.parse(JSON.stringify(spec.config));
  const opts = config.options || (config.options = {});
  opts.animation = false;
  opts.responsive = Boolean(options && options.responsive);
  if (opts.responsive) {
    opts.maintainAspectRatio = true;
    opts.aspectRatio = (options && options.aspectRatio) || 1000 / 560;
  } else {
    opts.devicePixelRatio = 1;
  }
  const tickLabels = spec.tickLabels || {};
  for (const axis of Object.keys(tickLabels)) {
    const labels = tickLabels[axis];
    const values = Object.keys(labels)
      .map(Number)
      .sort((a, b) => a - b);
    const scale = (opts.scales && opts.scales[axis]) || {};
    scale.afterBuildTicks = (s) => {
      s.ticks = values.filter((v) => v >= s.min - 1e-9 && v <= s.max + 1e-9).map((v) => ({ value: v }));
    };
    scale.ticks = Object.assign({}, scale.ticks, {
      autoSkip: false,
      callback: (value) => {
        const hit = values.find((v) => Math.abs(v - value) < 1e-9);
        return hit === undefined ? '' : labels[String(hit)];
      },
    });
  }
  const plugins = opts.plugins || (opts.plugins = {});
  if (plugins.payloadBenchTotals)
    plugins.payloadBenchTotals.fontFamily = (options && options.fontFamily) || 'sans-serif';
  const legend = plugins.legend || (plugins.legend = {});
  const legendLabels = legend.labels || (legend.labels = {});
  legendLabels.filter = (item, data) => !data.datasets[item.datasetIndex].legendHidden;
  const tooltip = plugins.tooltip || (plugins.tooltip = {});
  const callbacks = tooltip.callbacks || (tooltip.callbacks = {});
  callbacks.title = (items) => {
    if (items.length === 0) return '';
    const raw = items[0].raw;
    if (raw && typeof raw === 'object' && typeof raw.label === 'string') return raw.label;
    return items[0].label;
  };
  config.plugins = [BACKGROUND_PLUGIN, STACK_TOTALS_PLUGIN, ERROR_BARS_PLUGIN].concat(config.plugins || []);
  return config;
}
