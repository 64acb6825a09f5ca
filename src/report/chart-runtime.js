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
    const metas = chart.getSortedVisibleDatasetMetas();
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
    const values = Object.keys(labels).map(Number).sort((a, b) => a - b);
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
  if (plugins.payloadBenchTotals) plugins.payloadBenchTotals.fontFamily = (options && options.fontFamily) || 'sans-serif';
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
  config.plugins = [BACKGROUND_PLUGIN, STACK_TOTALS_PLUGIN].concat(config.plugins || []);
  return config;
}
