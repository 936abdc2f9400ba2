import type { Visual } from './fields.ts';

/** A visual and the room it takes on the sheet's grid. */
export interface Placed {
  readonly visual: Visual;
  readonly columnSpan: number;
  readonly rowSpan: number;
}

/** QuickSight sheets are 36 grid columns wide; the local page uses 12. */
export const GRID_COLUMNS_PER_WIDTH = 3;

export function placed(visual: Visual, columnSpan: number, rowSpan = 12): Placed {
  return { visual, columnSpan, rowSpan };
}
