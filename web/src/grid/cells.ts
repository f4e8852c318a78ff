// Renderers and editors for the field types AG Grid has no widget for: select chips,
// ratings, dates with time in the field's time zone.
import type { ICellEditorComp, ICellEditorParams, ICellRendererComp, ICellRendererParams } from "ag-grid-community";
import type { Field, SelectOption } from "../types";
import { asText, utcToWall, zonedToUtc, zoneOf } from "./format";

const COLORS: Record<string, string> = {
  blue: "#cfe3ff", "light-blue": "#e0eeff", "dark-blue": "#9fc3f7", green: "#c9f1d2", "light-green": "#e1f7e6",
  "dark-green": "#94dca6", orange: "#ffe1c2", "light-orange": "#fff0df", "dark-orange": "#ffc48a", red: "#ffd0cf",
  "light-red": "#ffe6e5", "dark-red": "#fca3a1", yellow: "#fff4b8", "light-yellow": "#fffadb", "dark-yellow": "#ffe773",
  purple: "#e6d7ff", "light-purple": "#f1e9ff", "dark-purple": "#c9acff", brown: "#ead8c7", gray: "#e5e7eb",
  "light-gray": "#f1f2f4", "dark-gray": "#c9ccd1",
};
export const chipColor = (color: string) => COLORS[color] ?? COLORS[color.replace(/^(light|dark)-/, "")] ?? "#e5e7eb";

function chip(text: string, color?: string): HTMLElement {
  const el = document.createElement("span");
  el.className = "chip";
  el.textContent = text;
  if (color) el.style.background = chipColor(color);
  return el;
}

// Chips for select options, links and files; files also get their tiny thumbnail.
export class ChipsRenderer implements ICellRendererComp {
  private el = document.createElement("span");
  init(params: ICellRendererParams): void {
    this.refresh(params);
  }
  getGui(): HTMLElement {
    return this.el;
  }
  refresh(params: ICellRendererParams): boolean {
    this.el.className = "chips";
    this.el.replaceChildren();
    const field = params.colDef?.cellRendererParams?.field as Field;
    const value = params.value;
    const items = value == null ? [] : Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item && typeof item === "object" && "thumbnails" in item) {
        const thumb = (item as { thumbnails?: { tiny?: { url: string } } }).thumbnails?.tiny?.url;
        if (thumb) {
          const img = document.createElement("img");
          img.src = thumb;
          img.alt = String((item as { visible_name?: string }).visible_name ?? "");
          img.className = "thumb";
          this.el.append(img);
          continue;
        }
      }
      const color = item && typeof item === "object" && "color" in item ? String(item.color) : undefined;
      this.el.append(chip(asText({ ...field, type: "text" }, item), color));
    }
    return true;
  }
}

export class RatingRenderer implements ICellRendererComp {
  private el = document.createElement("span");
  init(params: ICellRendererParams): void {
    this.refresh(params);
  }
  getGui(): HTMLElement {
    return this.el;
  }
  refresh(params: ICellRendererParams): boolean {
    const max = (params.colDef?.cellRendererParams?.field as Field).max_value ?? 5;
    const value = Number(params.value ?? 0);
    this.el.className = "rating";
    this.el.setAttribute("aria-label", `${value} of ${max}`);
    this.el.textContent = "★".repeat(value) + "☆".repeat(Math.max(0, max - value));
    return true;
  }
}

// A single select: type to narrow the options, arrows to move, Enter to pick, Esc to cancel.
export class SelectEditor implements ICellEditorComp {
  private el = document.createElement("div");
  private input = document.createElement("input");
  private list = document.createElement("ul");
  private options: SelectOption[] = [];
  private shown: (SelectOption | null)[] = [];
  private active = 0;
  private value: SelectOption | null = null;
  private params!: ICellEditorParams;

  init(params: ICellEditorParams): void {
    this.params = params;
    const field = params.colDef.cellEditorParams.field as Field;
    this.options = field.select_options ?? [];
    this.value = (params.value as SelectOption | null) ?? null;
    this.el.className = "select-editor";
    this.input.setAttribute("aria-label", `Choose ${field.name}`);
    this.input.placeholder = "Search options";
    this.input.value = params.eventKey && params.eventKey.length === 1 ? params.eventKey : "";
    this.list.setAttribute("role", "listbox");
    this.el.append(this.input, this.list);
    this.input.addEventListener("input", () => this.render());
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        e.stopPropagation();
        this.active = Math.max(0, Math.min(this.shown.length - 1, this.active + (e.key === "ArrowDown" ? 1 : -1)));
        this.render(false);
      } else if (e.key === "Enter") {
        e.preventDefault();
        e.stopPropagation();
        this.pick(this.shown[this.active] ?? this.value);
      }
    });
    this.render();
  }

  private pick(option: SelectOption | null): void {
    this.value = option;
    this.params.stopEditing();
  }

  private render(refilter = true): void {
    if (refilter) {
      const q = this.input.value.toLowerCase();
      this.shown = [null, ...this.options.filter((o) => o.value.toLowerCase().includes(q))];
      this.active = Math.min(this.active, this.shown.length - 1);
      if (q && this.shown.length > 1) this.active = 1;
    }
    this.list.replaceChildren(
      ...this.shown.map((o, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(i === this.active));
        li.className = i === this.active ? "active" : "";
        li.append(o ? chip(o.value, o.color) : document.createTextNode("(empty)"));
        li.addEventListener("mousedown", (e) => {
          e.preventDefault();
          this.pick(o);
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
  getValue(): SelectOption | null {
    return this.value;
  }
  isPopup(): boolean {
    return true;
  }
}

// A date with time, edited as wall-clock time in the field's time zone and stored as UTC.
export class DateTimeEditor implements ICellEditorComp {
  private input = document.createElement("input");
  private zone = "UTC";
  init(params: ICellEditorParams): void {
    const field = params.colDef.cellEditorParams.field as Field;
    this.zone = zoneOf(field);
    this.input.type = "datetime-local";
    this.input.className = "date-editor";
    this.input.setAttribute("aria-label", `${field.name} (${this.zone})`);
    this.input.value = params.value ? utcToWall(String(params.value), this.zone) : "";
  }
  getGui(): HTMLElement {
    return this.input;
  }
  afterGuiAttached(): void {
    this.input.focus();
  }
  getValue(): string | null {
    return this.input.value ? zonedToUtc(this.input.value, this.zone) : null;
  }
}
