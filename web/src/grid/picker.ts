// Editors for list values: multiple select options, collaborators and linked rows. Chips of
// the chosen items (× removes one), a search box, and a list: arrows move, Enter adds the
// highlighted item (or, on an empty search, finishes), Backspace on an empty search removes
// the last chip. Linked rows come a page (20) at a time, the search applied to each: the next
// page loads when the list is scrolled to its end, the arrow goes past its last item, or
// "Load more" is pressed.
import type { ICellEditorComp, ICellEditorParams } from "ag-grid-community";
import { api } from "../api";
import type { Field, Row, RowPage } from "../types";
import { chipColor } from "./cells";

export interface Item {
  id: number;
  value: string;
  color?: string;
}

// One page of what matches a query, and how many match in all.
type Source = (query: string, page: number) => Promise<{ items: Item[]; count: number }>;

export const LINK_PAGE = 20;

function matching(all: Item[]): Source {
  return async (q) => {
    const items = all.filter((o) => o.value.toLowerCase().includes(q.toLowerCase()));
    return { items, count: items.length };
  };
}

function sourceFor(field: Field): Source {
  if (field.type === "multiple_select") return matching(field.select_options ?? []);
  // the workspace's members, as the field lists them
  if (field.type === "multiple_collaborators") return matching((field.available_collaborators ?? []).map((u) => ({ id: u.id, value: u.name })));
  // a link: search the linked table, reading each row's primary value
  const primary = (field.link_row_table_primary_field as { id: number } | undefined)?.id;
  return async (q, page) => {
    const params = new URLSearchParams({ size: String(LINK_PAGE), page: String(page) });
    if (q) params.set("search", q);
    const answer = await api.get<RowPage>(`/api/database/rows/table/${field.link_row_table_id}/?${params}`);
    const items = answer.results.map((r: Row) => ({ id: r.id, value: primary ? String(r[`field_${primary}`] ?? "") || `Row ${r.id}` : `Row ${r.id}` }));
    return { items, count: answer.count };
  };
}

export class PickerEditor implements ICellEditorComp {
  private el = document.createElement("div");
  private chips = document.createElement("div");
  private input = document.createElement("input");
  private list = document.createElement("ul");
  private foot = document.createElement("div");
  private more = document.createElement("button");
  private shown = document.createElement("span");
  private items: Item[] = [];
  private found: Item[] = [];
  private count = 0; // how many match the query in all
  private page = 1; // pages of the query loaded
  private loading: Promise<void> | null = null;
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
    this.list.setAttribute("aria-label", field.type === "link_row" ? "Rows" : "Options");
    this.list.addEventListener("scroll", () => {
      const l = this.list;
      if (l.scrollTop + l.clientHeight >= l.scrollHeight - 24) void this.loadMore();
    });
    this.foot.className = "picker-foot";
    this.shown.setAttribute("role", "status");
    this.more.type = "button";
    this.more.textContent = "Load more";
    this.more.addEventListener("mousedown", (e) => e.preventDefault()); // the search keeps focus
    this.more.addEventListener("click", () => void this.loadMore());
    this.foot.append(this.shown, this.more);
    this.el.append(this.chips, this.input, this.list, this.foot);
    this.input.addEventListener("input", () => void this.search());
    this.input.addEventListener("keydown", (e) => this.key(e));
    this.renderChips();
    void this.search();
  }

  private key(e: KeyboardEvent): void {
    if (e.key === "ArrowDown" && this.active === this.found.length - 1 && this.found.length < this.count) {
      // past the last one loaded: the next page, then on to its first item
      void this.loadMore().then(() => this.move(1));
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      this.move(e.key === "ArrowDown" ? 1 : -1);
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

  private move(by: -1 | 1): void {
    this.active = Math.max(0, Math.min(this.found.length - 1, this.active + by));
    this.renderList();
    this.list.children[this.active]?.scrollIntoView({ block: "nearest" });
  }

  private async search(): Promise<void> {
    const ask = ++this.asked;
    this.loading = null;
    this.list.setAttribute("aria-busy", "true"); // until the answer to this query is shown
    const answer = await this.source(this.input.value, 1).catch(() => ({ items: [], count: 0 }));
    if (ask !== this.asked) return; // an answer to an older query
    this.list.setAttribute("aria-busy", "false");
    this.found = answer.items;
    this.count = answer.count;
    this.page = 1;
    this.active = 0;
    this.list.scrollTop = 0;
    this.renderList();
  }

  // The next page of the same query, once (a scroll and a key at the same time ask once).
  private loadMore(): Promise<void> {
    if (this.found.length >= this.count) return Promise.resolve();
    if (this.loading) return this.loading;
    const ask = this.asked;
    const query = this.input.value;
    const next = this.page + 1;
    this.list.setAttribute("aria-busy", "true");
    const load = this.source(query, next)
      .then((answer) => {
        if (ask !== this.asked) return; // the search changed meanwhile
        const seen = new Set(this.found.map((i) => i.id));
        this.found = [...this.found, ...answer.items.filter((i) => !seen.has(i.id))];
        this.count = answer.count;
        this.page = next;
        this.renderList();
      })
      .catch(() => undefined)
      .finally(() => {
        if (this.loading !== load) return;
        this.loading = null;
        if (ask === this.asked) this.list.setAttribute("aria-busy", "false");
      });
    this.loading = load;
    return load;
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
    const all = this.found.length >= this.count;
    this.shown.textContent = all ? "" : `${this.found.length} of ${this.count}`;
    this.foot.hidden = all;
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
