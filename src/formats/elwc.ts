// elwc: RegressionRequest whose Input.example_list_with_context sends context
// features once and item features per example. Fewer bytes, but the server merges
// the context into every example before parsing, so it still pays the parse.
import { inputFormat } from './input-formats.js';

export const elwc = inputFormat(
  'elwc',
  'RegressionRequest, Input.example_list_with_context: context once, item features per example (merged before parsing)',
  'example_list_with_context',
);
