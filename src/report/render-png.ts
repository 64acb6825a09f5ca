// Renders a drawn chart to a PNG with Chart.js on @napi-rs/canvas: fixed 1000x560 pixels at
// devicePixelRatio 1, no animation, white background, and the bundled Roboto font (assets/
// fonts) registered under its own family name, so output does not depend on system fonts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  SubTitle,
  Title,
  Tooltip,
} from 'chart.js';
import { CHART_HEIGHT, CHART_WIDTH } from './chart-common.js';
import { applyChartDefaults, prepareChartConfig } from './chart-runtime.js';
import type { DrawnChart } from './types.js';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  CategoryScale,
  LinearScale,
  LogarithmicScale,
  Legend,
  Title,
  SubTitle,
  Tooltip,
);

/** Family name the bundled font is registered under (unlikely to clash with a system font). */
export const BUNDLED_FONT_FAMILY = 'PayloadBench Roboto';

const FONT_FILES = ['Roboto-Regular.ttf', 'Roboto-Bold.ttf'].map((f) =>
  fileURLToPath(new URL(`../../assets/fonts/${f}`, import.meta.url)),
);

/** Which font the PNGs use: the bundled one, or a system fallback when it is missing. */
export interface FontChoice {
  family: string;
  bundled: boolean;
  /** Human-readable, for the CLI and the report's environment section. */
  note: string;
}

let fontChoice: FontChoice | undefined;

/** Registers the bundled font once and pins Chart.js to it. */
export function chartFont(): FontChoice {
  if (fontChoice) return fontChoice;
  const missing = FONT_FILES.filter((f) => !existsSync(f));
  if (missing.length === 0) {
    for (const f of FONT_FILES) GlobalFonts.registerFromPath(f, BUNDLED_FONT_FAMILY);
    fontChoice = { family: BUNDLED_FONT_FAMILY, bundled: true, note: 'Roboto (bundled in assets/fonts, SIL OFL 1.1)' };
  } else {
    const system = GlobalFonts.families.map((f) => f.family).sort();
    const pick = system.find((f) => /dejavu sans$|liberation sans|noto sans$|arial|helvetica/i.test(f)) ?? system[0];
    fontChoice = {
      family: pick ?? 'sans-serif',
      bundled: false,
      note: `bundled font missing (${missing.join(', ')}); using system font "${pick ?? 'none found'}", so PNGs may differ between machines`,
    };
  }
  applyChartDefaults(Chart, fontChoice.family);
  return fontChoice;
}

/** The PNG bytes of one chart, CHART_WIDTH x CHART_HEIGHT pixels. */
export function renderPng(spec: DrawnChart): Buffer {
  const font = chartFont();
  const canvas = createCanvas(CHART_WIDTH, CHART_HEIGHT);
  const config = prepareChartConfig(spec, { responsive: false, fontFamily: font.family });
  // Chart.js accepts anything with getContext('2d'); the napi canvas is not a DOM element.
  const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
