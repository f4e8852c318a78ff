// The grid of one table: AG Grid's infinite row model asks for the blocks in view only
// (page/size of 100 rows), edits are PATCHed one cell at a time, and the visible window is
// polled once a second so other clients' writes show up.
import {
  CellApiModule,
  CellStyleModule,
  CheckboxEditorModule,
  ColumnApiModule,
  ColumnAutoSizeModule,
  CustomEditorModule,
  DateEditorModule,
  InfiniteRowModelModule,
  LargeTextEditorModule,
  ModuleRegistry,
  NumberEditorModule,
  RenderApiModule,
  RowApiModule,
  RowSelectionModule,
  ScrollApiModule,
  SelectEditorModule,
  TextEditorModule,
  TooltipModule,
  ValidationModule,
  createGrid,
  themeQuartz,
  type CellValueChangedEvent,
  type ColDef,
  type GridApi,
  type IDatasource,
  type IGetRowsParams,
  type IRowNode,
} from "ag-grid-community";
import { api, errorText } from "../api";
import type { Field, Row, RowPage } from "../types";
import { EDITABLE, columnFor, key, toWire } from "./columns";
import { asText } from "./format";
import { CellRange } from "./range";

ModuleRegistry.registerModules([
  InfiniteRowModelModule,
  TextEditorModule,
  LargeTextEditorModule,
  NumberEditorModule,
  DateEditorModule,
  CheckboxEditorModule,
  SelectEditorModule,
  CustomEditorModule,
  RowSelectionModule,
  RowApiModule,
  ScrollApiModule,
  RenderApiModule,
  CellApiModule,
  CellStyleModule,
  ColumnApiModule,
  TooltipModule,
  ColumnAutoSizeModule,
  // full error messages while developing; the production build drops it
  ...(import.meta.env.DEV ? [ValidationModule] : []),
]);

export const BLOCK = 100; // rows per request: one page of the list endpoint
const POLL_MS = 1000;

export interface GridEvents {
  onCount: (count: number) => void;
  onCellError: (message: string | null) => void;
  onSelection: (ids: number[]) => void;
  // a person moved a column (dragged its header): the field ids in their new order
  onColumnsMoved: (order: number[]) => void;
}

export class TableGrid {
  readonly api: GridApi<Row>;
  private fields: Field[] = [];
  private search = "";
  private filters: string | null = null; // Baserow's filter tree JSON
  private count = 0;
  private timer: number | undefined;
  private polling = false;
  private errors = new Map<string, string>(); // "<row id>:<field id>" → message
  private lastSortModel: { colId: string; sort: "asc" | "desc" }[] = [];
  private range: CellRange;

  constructor(
    host: HTMLElement,
    private tableId: number,
    private events: GridEvents,
  ) {
    this.api = createGrid<Row>(host, {
      theme: themeQuartz,
      rowModelType: "infinite",
      cacheBlockSize: BLOCK,
      maxBlocksInCache: 40,
      maxConcurrentDatasourceRequests: 2,
      blockLoadDebounceMillis: 10, // a fast scroll skips the blocks it only passes over
      suppressAnimationFrame: true, // rows that arrive paint at once (a jump is one block)
      // rows drawn beyond the viewport: a jump draws placeholders, then the rows, for every
      // one of them, so the default 10 each side doubles the work a jump waits for
      rowBuffer: 3,
      infiniteInitialRowCount: 1, // one placeholder row makes the grid ask for the first block
      getRowId: (p) => String(p.data.id),
      columnDefs: [],
      rowSelection: { mode: "multiRow", checkboxes: true, headerCheckbox: false, enableClickSelection: false },
      selectionColumnDef: { pinned: "left", width: 44 },
      stopEditingWhenCellsLoseFocus: true,
      enterNavigatesVerticallyAfterEdit: true,
      singleClickEdit: false,
      tooltipShowDelay: 300,
      onCellValueChanged: (e) => void this.saveCell(e),
      onSelectionChanged: () => this.events.onSelection(this.selectedIds()),
      suppressDragLeaveHidesColumns: true,
      onColumnMoved: (e) => {
        if (e.finished && e.source.startsWith("ui")) this.events.onColumnsMoved(this.columnOrder());
      },
      onCellFocused: (e) => {
        const col = e.column && typeof e.column === "object" ? e.column.getColId() : e.column;
        this.range.focused(e.rowIndex === null || !col ? null : { row: e.rowIndex, col });
      },
    });
    this.range = new CellRange(this.api, host, () => this.api.refreshCells({ force: true }));
    host.addEventListener("paste", (e) => void this.paste(e as ClipboardEvent));
    host.addEventListener("copy", (e) => this.copy(e as ClipboardEvent));
    this.timer = window.setInterval(() => void this.poll(), POLL_MS);
  }

  destroy(): void {
    window.clearInterval(this.timer);
    this.api.destroy();
  }

  setFields(fields: Field[]): void {
    this.fields = fields;
    const columns: ColDef<Row>[] = fields.map((f) => ({
      ...columnFor(f),
      cellClassRules: {
        "cell-error": (p) => !!p.data && this.errors.has(`${p.data.id}:${f.id}`),
        "cell-range": (p) => this.range.contains(p.node.rowIndex, key(f)),
      },
      // the API's refusal stays on the cell that caused it, until a good value replaces it
      tooltipValueGetter: (p) => (p.data ? this.errors.get(`${p.data.id}:${f.id}`) : undefined),
    }));
    const before = this.columnOrder(); // a moved column stays where it was put
    this.api.setGridOption("columnDefs", columns);
    if (before.length) this.applyOrder(before);
    this.reload();
  }

  setFilters(tree: string | null): void {
    if (tree === this.filters) return;
    this.filters = tree;
    this.reload();
  }

  focusedRowId(): number | null {
    const cell = this.api.getFocusedCell();
    const node = cell ? this.api.getDisplayedRowAtIndex(cell.rowIndex) : undefined;
    return node?.data?.id ?? null;
  }

  // The field ids in the grid's column order (hidden ones too).
  columnOrder(): number[] {
    return this.api
      .getAllGridColumns()
      .map((c) => c.getColId())
      .filter((id) => id.startsWith("field_"))
      .map((id) => Number(id.slice(6)));
  }

  // Moves a field's column by one place (the fields panel's buttons, for the keyboard);
  // the primary field stays first. Answers the new order, or null at either end.
  moveField(id: number, by: -1 | 1): number[] | null {
    const order = this.columnOrder();
    const i = order.indexOf(id);
    const j = i + by;
    const primary = this.fields.find((f) => f.primary)?.id;
    if (i < 0 || j < 0 || j >= order.length || id === primary || order[j] === primary) return null;
    [order[i], order[j]] = [order[j], order[i]];
    this.applyOrder(order);
    return order;
  }

  private applyOrder(order: number[]): void {
    const at = (id: number) => (order.includes(id) ? order.indexOf(id) : order.length);
    const fields = [...this.fields].sort((a, b) => Number(b.primary) - Number(a.primary) || at(a.id) - at(b.id));
    this.api.applyColumnState({ state: fields.map((f) => ({ colId: key(f) })), applyOrder: true });
  }

  // Sorts, hidden columns, widths and column order as a saved view keeps them.
  viewColumns(): { sorts: { field: number; order: "ASC" | "DESC" }[]; widths: Record<number, number>; order: number[] } {
    const state = this.api.getColumnState().filter((c) => c.colId.startsWith("field_"));
    const sorts = state
      .filter((c) => c.sort)
      .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
      .map((c) => ({ field: Number(c.colId.slice(6)), order: c.sort === "desc" ? ("DESC" as const) : ("ASC" as const) }));
    const widths = Object.fromEntries(state.map((c) => [Number(c.colId.slice(6)), c.width ?? 200]));
    return { sorts, widths, order: this.columnOrder() };
  }

  applyViewColumns(sorts: { field: number; order: "ASC" | "DESC" }[], hidden: number[], widths: Record<number, number>, order: number[]): void {
    const state = this.fields.map((f) => {
      const sortIndex = sorts.findIndex((s) => s.field === f.id);
      return {
        colId: key(f),
        hide: hidden.includes(f.id),
        ...(widths[f.id] ? { width: widths[f.id] } : {}),
        sort: sortIndex < 0 ? null : sorts[sortIndex].order === "DESC" ? ("desc" as const) : ("asc" as const),
        sortIndex: sortIndex < 0 ? null : sortIndex,
      };
    });
    this.api.applyColumnState({ state, applyOrder: false });
    this.applyOrder(order);
  }

  setHidden(hidden: number[]): void {
    const ids = new Set(hidden);
    this.api.setColumnsVisible(this.fields.filter((f) => !ids.has(f.id)).map(key), true);
    this.api.setColumnsVisible(this.fields.filter((f) => ids.has(f.id)).map(key), false);
  }

  setSearch(search: string): void {
    // the page sets its (empty) search once it has mounted, after the first rows came: a
    // reload then would redraw every row under a person's (or a test's) first click
    if (search === this.search) return;
    this.search = search;
    this.reload();
  }

  // A new datasource starts the cache over (search, sorts or fields changed).
  reload(): void {
    this.range?.clear();
    const datasource: IDatasource = { getRows: (p) => void this.getRows(p) };
    this.api.setGridOption("datasource", datasource);
  }

  private query(page: number, size: number): string {
    const q = new URLSearchParams({ page: String(page), size: String(size) });
    if (this.search) q.set("search", this.search);
    if (this.filters) q.set("filters", this.filters);
    const order = this.lastSortModel.map((s) => (s.sort === "desc" ? "-" : "") + s.colId).join(",");
    if (order) q.set("order_by", order);
    return `/api/database/rows/table/${this.tableId}/?${q}`;
  }

  private async getRows(p: IGetRowsParams): Promise<void> {
    this.lastSortModel = p.sortModel as typeof this.lastSortModel;
    try {
      const page = await api.get<RowPage>(this.query(p.startRow / BLOCK + 1, BLOCK));
      this.setCount(page.count);
      p.successCallback(page.results, page.count);
    } catch (e) {
      this.events.onCellError(errorText(e));
      p.failCallback();
    }
  }

  private setCount(count: number): void {
    if (count !== this.count) {
      this.count = count;
      this.events.onCount(count);
    }
  }

  private async saveCell(e: CellValueChangedEvent<Row>): Promise<void> {
    const field = this.fields.find((f) => key(f) === e.colDef.field);
    if (!field || !e.data || e.source === "api") return;
    const errorKey = `${e.data.id}:${field.id}`;
    try {
      const saved = await api.patch<Row>(`/api/database/rows/table/${this.tableId}/${e.data.id}/`, {
        [key(field)]: toWire(field, e.newValue),
      });
      this.errors.delete(errorKey);
      e.node.setData(saved);
      this.events.onCellError(null);
    } catch (err) {
      const message = `${field.name}: ${errorText(err)}`;
      this.errors.set(errorKey, message);
      e.node.setDataValue(e.column, e.oldValue, "api");
      this.api.refreshCells({ rowNodes: [e.node], columns: [e.column], force: true });
      this.events.onCellError(message);
    }
  }

  selectedIds(): number[] {
    return this.api.getSelectedNodes().flatMap((n) => (n.data ? [n.data.id] : []));
  }

  async addRow(): Promise<void> {
    const row = await api.post<Row>(`/api/database/rows/table/${this.tableId}/`, {});
    this.setCount(this.count + 1);
    this.api.setRowCount(this.count, true);
    this.api.refreshInfiniteCache();
    this.focusRowWhenLoaded(row.id);
  }

  private focusRowWhenLoaded(rowId: number): void {
    const index = this.count - 1;
    this.api.ensureIndexVisible(index, "bottom");
    const first = this.fields[0];
    const tryFocus = (tries: number) => {
      const node = this.api.getRowNode(String(rowId));
      if (node && node.rowIndex !== null && first) this.api.setFocusedCell(node.rowIndex, key(first));
      else if (tries > 0) window.setTimeout(() => tryFocus(tries - 1), 50);
    };
    tryFocus(40);
  }

  async deleteSelected(): Promise<void> {
    const ids = this.selectedIds();
    for (let i = 0; i < ids.length; i += 200) {
      await api.post(`/api/database/rows/table/${this.tableId}/batch-delete/`, { items: ids.slice(i, i + 200) });
    }
    this.api.deselectAll();
    this.refreshAll();
  }

  refreshAll(): void {
    this.api.refreshInfiniteCache();
  }

  // Copy as TSV for a spreadsheet: the cell range (shift+click, shift+arrows), else the
  // selected rows (shown columns), else the focused cell.
  private copy(e: ClipboardEvent): void {
    if (this.api.getEditingCells().length || !e.clipboardData) return;
    const columns = this.api.getAllDisplayedColumns().filter((c) => c.getColId().startsWith("field_"));
    const fieldOf = (colId: string) => this.fields.find((f) => key(f) === colId);
    const text = (row: Row, colId: string) => {
      const field = fieldOf(colId);
      return field ? asText(field, row[colId]).replace(/[\t\n]/g, " ") : "";
    };
    let tsv: string;
    const selected = this.api.getSelectedNodes().filter((n) => n.data);
    const range = this.range.bounds();
    if (range) {
      const lines: string[] = [];
      for (let i = range.rows[0]; i <= range.rows[1]; i++) {
        const row = this.api.getDisplayedRowAtIndex(i)?.data;
        lines.push(range.cols.map((c) => (row ? text(row, c) : "")).join("\t"));
      }
      tsv = lines.join("\n");
    } else if (selected.length) {
      selected.sort((a, b) => (a.rowIndex ?? 0) - (b.rowIndex ?? 0));
      tsv = selected.map((n) => columns.map((c) => text(n.data!, c.getColId())).join("\t")).join("\n");
    } else {
      const focused = this.api.getFocusedCell();
      const node = focused ? this.api.getDisplayedRowAtIndex(focused.rowIndex) : undefined;
      if (!focused || !node?.data) return;
      tsv = text(node.data, focused.column.getColId());
    }
    e.clipboardData.setData("text/plain", tsv);
    e.preventDefault();
  }

  // Paste a TSV range (as spreadsheets copy it) from the focused cell (or the range's top
  // left) on: one batch PATCH of the rows there, and, as spreadsheets do, one batch create
  // of the rows it runs past the last one (200 rows a request, the API's batch limit).
  private async paste(e: ClipboardEvent): Promise<void> {
    const focused = this.api.getFocusedCell();
    if (!focused || this.api.getEditingCells().length) return;
    const text = e.clipboardData?.getData("text/plain") ?? "";
    if (!text) return;
    e.preventDefault();
    const lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n").map((l) => l.split("\t"));
    const columns = this.api.getAllDisplayedColumns().filter((c) => c.getColId().startsWith("field_"));
    const range = this.range.bounds();
    const [startRow, startColId] = range ? [range.rows[0], range.cols[0]] : [focused.rowIndex, focused.column.getColId()];
    const startCol = columns.findIndex((c) => c.getColId() === startColId);
    if (startCol < 0) return;
    const values = (cells: string[]) => {
      const item: Record<string, unknown> = {};
      cells.forEach((value, c) => {
        const field = this.fields.find((f) => key(f) === columns[startCol + c]?.getColId());
        const pasted = field && EDITABLE.has(field.type) && !field.read_only ? pasteValue(field, value) : undefined;
        if (field && pasted !== undefined) item[key(field)] = pasted;
      });
      return item;
    };
    const updates: Record<string, unknown>[] = [];
    const creates: Record<string, unknown>[] = [];
    try {
      // the count now, not the grid's last one (it may be reloading): rows past it are new
      const count = (await api.get<RowPage>(this.query(1, 1))).count;
      const ids = await this.rowIds(startRow, Math.min(startRow + lines.length, count));
      lines.forEach((cells, r) => {
        if (startRow + r >= count) creates.push(values(cells));
        else if (ids.has(startRow + r)) updates.push({ id: ids.get(startRow + r), ...values(cells) });
      });
      const rows = `/api/database/rows/table/${this.tableId}/batch/`;
      for (let i = 0; i < updates.length; i += 200) await api.patch(rows, { items: updates.slice(i, i + 200) });
      for (let i = 0; i < creates.length; i += 200) await api.post(rows, { items: creates.slice(i, i + 200) });
      this.events.onCellError(null);
      if (creates.length) {
        this.setCount(count + creates.length);
        this.api.setRowCount(this.count, true);
      }
      this.refreshAll();
    } catch (err) {
      this.events.onCellError(`Paste: ${errorText(err)}`);
    }
  }

  private loadingBlocks(): boolean {
    const blocks = Object.values(this.api.getCacheBlockState() as Record<string, { pageStatus: string }>);
    return blocks.some((b) => b.pageStatus !== "loaded" && b.pageStatus !== "failed");
  }

  // The ids of the rows at these indexes: from the grid, or for rows it has not loaded (a
  // reload under way, a range longer than the cache) from the list endpoint, a page at a time.
  private async rowIds(from: number, to: number): Promise<Map<number, number>> {
    const ids = new Map<number, number>();
    const pages = new Set<number>();
    for (let i = from; i < to; i++) {
      const id = this.api.getDisplayedRowAtIndex(i)?.data?.id;
      if (id === undefined) pages.add(Math.floor(i / BLOCK) + 1);
      else ids.set(i, id);
    }
    for (const page of pages) {
      const answer = await api.get<RowPage>(this.query(page, BLOCK));
      answer.results.forEach((row, j) => {
        const i = (page - 1) * BLOCK + j;
        if (i >= from && i < to && !ids.has(i)) ids.set(i, row.id);
      });
    }
    return ids;
  }

  // Poll the rows in view: new counts reload the cache, changed rows are replaced in place.
  private async poll(): Promise<void> {
    if (this.polling || document.hidden || this.api.isDestroyed()) return;
    // while blocks load (a jump, a scroll) the grid is fetching those rows anyway: a poll
    // would double the requests the jump waits for
    if (this.api.getEditingCells().length || this.loadingBlocks()) return;
    const first = this.api.getFirstDisplayedRowIndex();
    const last = this.api.getLastDisplayedRowIndex();
    if (first < 0 && this.count > 0) return;
    this.polling = true;
    try {
      const start = Math.max(0, first);
      const page = Math.floor(start / BLOCK) + 1;
      const pages = [page];
      if (last >= 0 && Math.floor(last / BLOCK) + 1 !== page) pages.push(Math.floor(last / BLOCK) + 1);
      const answers = await Promise.all(pages.map((p) => api.get<RowPage>(this.query(p, BLOCK))));
      // an edit begun while the answers were on their way: redrawing now would end it
      if (this.api.isDestroyed() || this.api.getEditingCells().length) return;
      const count = answers[0].count;
      if (count !== this.count) {
        this.setCount(count);
        this.api.setRowCount(count, true);
        this.api.refreshInfiniteCache();
        return;
      }
      const changed: [IRowNode<Row>, Row][] = [];
      for (const [i, answer] of answers.entries()) {
        for (const [j, row] of answer.results.entries()) {
          const node = this.api.getDisplayedRowAtIndex((pages[i] - 1) * BLOCK + j);
          if (!node?.data) continue; // not loaded yet (scrolled there since): its block brings it
          if (node.data.id !== row.id) {
            this.api.refreshInfiniteCache(); // rows moved (a delete or insert elsewhere)
            return;
          }
          if (JSON.stringify(node.data) !== JSON.stringify(row)) changed.push([node, row]);
        }
      }
      for (const [node, row] of changed) node.setData(row);
    } catch {
      // a failed poll is retried at the next tick; errors of the user's own actions show
    } finally {
      this.polling = false;
    }
  }
}

function pasteValue(field: Field, text: string): unknown {
  const v = text.trim();
  if (field.type === "boolean") return ["true", "1", "yes", "y", "on", "checked", "x", "✓"].includes(v.toLowerCase());
  if (field.type === "number" || field.type === "date" || field.type === "duration") return v === "" ? null : v;
  if (field.type === "rating") return v === "" ? 0 : Number(v);
  if (field.type === "single_select") return v === "" ? null : v;
  if (field.type === "multiple_select" || field.type === "link_row") return v ? v.split(",").map((s) => s.trim()) : [];
  if (field.type === "multiple_collaborators") {
    // names as copied; a name that is no member's goes as it is, for the API to refuse
    const ids = new Map((field.available_collaborators ?? []).map((u) => [u.name, u.id]));
    return v ? v.split(",").map((s) => (ids.has(s.trim()) ? { id: ids.get(s.trim()) } : s.trim())) : [];
  }
  // a copied password cell reads "(set)": that is no password to paste
  if (field.type === "password") return ["", "(set)", "(blank)"].includes(v) ? undefined : text;
  return text;
}
