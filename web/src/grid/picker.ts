// Editors for list values: multiple select options and linked rows. Chips of the chosen
// items (× removes one), a search box, and a list: arrows move, Enter adds the highlighted
// item (or, on an empty search, finishes), Backspace on an empty search removes the last chip.
import type { ICellEditorComp, ICellEditorParams } from "ag-grid-community";
import { api } from "../api";
import type { Field, Row, RowPage } from "../types";
import { chipColor } from "./cells";

export interface Item {
  id: number;
  value: string;
  color?: string;
}

type Source = (query: string) => Promise<Item[]>;

function sourceFor(field: Field): Source {
  if (field.type === "multiple_select") {
    const options = field.select_options ?? [];
    return async (q) => options.filter((o) => o.value.toLowerCase().includes(q.toLowerCase()));
  }
  if (field.type === "multiple_collaborators") {
    // the workspace's members, as the field lists them
    const members = (field.available_collaborators ?? []).map((u) => ({ id: u.id, value: u.name }));
    return async (q) => members.filter((m) => m.value.toLowerCase().includes(q.toLowerCase()));
  }
  // a link: search the linked table, reading each row's primary value
  const primary = (field.link_row_table_primary_field as { id: number } | undefined)?.id;
  return async (q) => {
    const params = new URLSearchParams({ size: "20" });
    if (q) params.set("search", q);
    const page = await api.get<RowPage>(`/api/database/rows/table/${field.link_row_table_id}/?${params}`);
    return page.results.map((r: Row) => ({ id: r.id, value: primary ? String(r[`field_${primary}`] ?? "") || `Row ${r.id}` : `Row ${r.id}` }));
  };
}

export class PickerEditor implements ICellEditorComp {
  private el = document.createElement("div");
  private chips = document.createElement("div");
  private input = document.createElement("input");
  private list = document.createElement("ul");
  private items: Item[] = [];
  private found: Item[] = [];
  private active = 0;
  private source!: Source;
  private params!: ICellEditorParams;
  private asked = 0;

  init(params: ICellEditorParams): void {
    this.params = params;
    const field = params.colDef.cellEditorParams.field as Field;
    this.source = sourceFor(field);
    // collaborators come as {id, name}, options and links as {id, value}
    const held = Array.isArray(params.value) ? (params.value as (Item & { name?: string })[]) : [];
    this.items = held.map((i) => ({ ...i, value: i.value ?? i.name ?? "" }));
    this.el.className = "select-editor picker";
    this.input.setAttribute("aria-label", field.type === "link_row" ? `Search rows to link in ${field.name}` : `Choose ${field.name}`);
    this.input.placeholder = { link_row: "Search rows", multiple_collaborators: "Search collaborators" }[field.type] ?? "Search options";
    this.list.setAttribute("role", "listbox");
    this.el.append(this.chips, this.input, this.list);
    this.input.addEventListener("input", () => void this.search());
    this.input.addEventListener("keydown", (e) => this.key(e));
    this.renderChips();
    void this.search();
  }

  private key(e: KeyboardEvent): void {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      this.active = Math.max(0, Math.min(this.found.length - 1, this.active + (e.key === "ArrowDown" ? 1 : -1)));
      this.renderList();
    } else if (e.key === "Enter") {
      if (this.input.value && this.found[this.active]) this.add(this.found[this.active]);
      else this.params.stopEditing();
    } else if (e.key === "Backspace" && !this.input.value && this.items.length) {
      this.items.pop();
      this.renderChips();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  private add(item: Item): void {
    if (!this.items.some((i) => i.id === item.id)) this.items.push(item);
    this.input.value = "";
    this.renderChips();
    void this.search();
  }

  private async search(): Promise<void> {
    const ask = ++this.asked;
    const found = await this.source(this.input.value).catch(() => []);
    if (ask !== this.asked) return; // an answer to an older query
    this.found = found;
    this.active = 0;
    this.renderList();
  }

  private renderChips(): void {
    this.chips.className = "chips";
    this.chips.replaceChildren(
      ...this.items.map((item) => {
        const chip = document.createElement("span");
        chip.className = "chip";
        chip.textContent = item.value;
        if (item.color) chip.style.background = chipColor(item.color);
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "icon";
        remove.textContent = "×";
        remove.setAttribute("aria-label", `Remove ${item.value}`);
        remove.addEventListener("mousedown", (e) => {
          e.preventDefault();
          this.items = this.items.filter((i) => i.id !== item.id);
          this.renderChips();
        });
        chip.append(remove);
        return chip;
      }),
    );
  }

  private renderList(): void {
    this.list.replaceChildren(
      ...this.found.map((item, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(i === this.active));
        li.className = i === this.active ? "active" : "";
        li.textContent = item.value;
        li.addEventListener("mousedown", (e) => {
          e.preventDefault();
          this.add(item);
        });
        return li;
      }),
    );
  }

  getGui(): HTMLElement {
    return this.el;
  }
  afterGuiAttached(): void {
    this.input.focus();
  }
  getValue(): Item[] {
    return this.items;
  }
  isPopup(): boolean {
    return true;
  }
}
