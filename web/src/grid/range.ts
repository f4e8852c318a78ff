// A rectangular cell range, as spreadsheets select it: AG Grid Community has no range
// selection (Enterprise only), so the grid keeps its own. A plain click or arrow move puts
// the anchor on the focused cell; shift+click or shift+arrows move the range's other corner.
import type { GridApi } from "ag-grid-community";
import type { Row } from "../types";

export interface CellPos {
  row: number;
  col: string; // column id, field_<id>
}

export interface Bounds {
  rows: [number, number]; // first and last row index
  cols: string[]; // the displayed field columns, left to right
}

export class CellRange {
  private anchor: CellPos | null = null;
  private end: CellPos | null = null;
  private extending = false;
  private current: Bounds | null = null; // kept: cell class rules ask for every cell drawn

  constructor(
    private api: GridApi<Row>,
    host: HTMLElement,
    private changed: () => void,
  ) {
    // shift is read from the event that moves the focus (a key or a click), in the
    // capture phase, before the grid moves the focus for it
    const note = (e: KeyboardEvent | MouseEvent) => {
      this.extending = e.shiftKey && (!(e instanceof KeyboardEvent) || e.key.startsWith("Arrow"));
    };
    host.addEventListener("keydown", note, true);
    host.addEventListener("mousedown", note, true);
  }

  // Called on the grid's cellFocused event.
  focused(pos: CellPos | null): void {
    if (!pos || !pos.col.startsWith("field_")) return;
    const had = this.current !== null;
    if (this.extending && this.anchor) this.end = pos;
    else {
      this.anchor = pos;
      this.end = null;
    }
    this.extending = false;
    this.current = this.compute();
    if (had || this.current) this.changed();
  }

  clear(): void {
    const had = this.current !== null;
    this.anchor = this.end = null;
    this.current = null;
    if (had) this.changed();
  }

  // The range, when it covers more than the one focused cell.
  bounds(): Bounds | null {
    return this.current;
  }

  private compute(): Bounds | null {
    if (!this.anchor || !this.end) return null;
    const columns = this.api.getAllDisplayedColumns().map((c) => c.getColId()).filter((c) => c.startsWith("field_"));
    const a = columns.indexOf(this.anchor.col);
    const b = columns.indexOf(this.end.col);
    if (a < 0 || b < 0) return null;
    const rows: [number, number] = [Math.min(this.anchor.row, this.end.row), Math.max(this.anchor.row, this.end.row)];
    const cols = columns.slice(Math.min(a, b), Math.max(a, b) + 1);
    if (rows[0] === rows[1] && cols.length === 1) return null;
    return { rows, cols };
  }

  contains(row: number | null, col: string): boolean {
    const b = this.current;
    return !!b && row !== null && row >= b.rows[0] && row <= b.rows[1] && b.cols.includes(col);
  }
}
