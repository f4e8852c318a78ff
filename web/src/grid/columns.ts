// One grid column per field: its icon, renderer, editor and how its value is written back.
import type { ColDef, ValueGetterParams, ValueSetterParams } from "ag-grid-community";
import type { Field, Row } from "../types";
import { asText } from "./format";
import { ChipsRenderer, DateTimeEditor, RatingRenderer, SelectEditor } from "./cells";
import { FileEditor } from "./files";
import { PasswordEditor, passwordText } from "./password";
import { PickerEditor } from "./picker";
import { RichTextEditor, RichTextRenderer } from "./richText";

export const TYPE_ICONS: Record<string, string> = {
  text: "Aa", long_text: "¶", url: "↗", email: "@", phone_number: "☎", number: "#", rating: "★",
  boolean: "☑", date: "▦", last_modified: "◷", created_on: "◷", last_modified_by: "☺", created_by: "☺",
  duration: "◔", link_row: "↔", file: "⎘", single_select: "▾", multiple_select: "☰", multiple_collaborators: "☻",
  formula: "ƒ", count: "Σ", rollup: "Σ", lookup: "⤷", uuid: "ID", autonumber: "№", password: "•",
};

// The types whose values the grid can edit in place, and the ones it shows only.
export const EDITABLE = new Set([
  "text", "long_text", "url", "email", "phone_number", "number", "rating", "boolean", "date", "duration",
  "single_select", "multiple_select", "link_row", "file", "multiple_collaborators", "password",
]);

export const key = (field: Field) => `field_${field.id}`;

// The value the API takes for what an editor produced.
export function toWire(field: Field, value: unknown): unknown {
  if (value === "" && (field.type === "number" || field.type === "date" || field.type === "duration")) return null;
  if (field.type === "single_select") return value && typeof value === "object" ? (value as { id: number }).id : value || null;
  if (field.type === "multiple_collaborators" && Array.isArray(value)) return value.map((i: { id: number }) => ({ id: i.id }));
  if (field.type === "multiple_select" || field.type === "link_row") {
    if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
    if (Array.isArray(value)) return value.map((i: { id: number }) => i.id);
  }
  if (field.type === "rating") return Number(value ?? 0);
  if (field.type === "file" && Array.isArray(value)) return value.map((f: { name: string; visible_name: string }) => ({ name: f.name, visible_name: f.visible_name }));
  return value;
}

export function columnFor(field: Field, width?: number): ColDef<Row> {
  const editable = EDITABLE.has(field.type) && !field.read_only;
  const col: ColDef<Row> = {
    colId: key(field),
    field: key(field),
    headerName: field.name,
    headerClass: `type-${field.type}`,
    headerTooltip: `${field.name} (${field.type.replace(/_/g, " ")})`,
    editable,
    sortable: !["file", "link_row", "multiple_select", "multiple_collaborators", "password"].includes(field.type),
    width: width ?? (field.primary ? 220 : 180),
    cellClass: editable ? "" : "read-only",
    valueFormatter: (p) => asText(field, p.value),
    // the grid hands edits back as text/number/object; the row keeps the API's own JSON
    valueSetter: (p: ValueSetterParams<Row>) => {
      if (!p.data) return false;
      p.data[key(field)] = p.newValue;
      return true;
    },
    cellDataType: false,
    suppressKeyboardEvent: undefined,
    // the primary field stays the first column, as in Baserow
    ...(field.primary ? { lockPosition: "left" as const, suppressMovable: true } : {}),
  };
  switch (field.type) {
    case "long_text":
      if (field.long_text_enable_rich_text) {
        Object.assign(col, { cellRenderer: RichTextRenderer, cellEditor: RichTextEditor, cellEditorParams: { field }, cellEditorPopup: true });
        break;
      }
      Object.assign(col, { cellEditor: "agLargeTextCellEditor", cellEditorPopup: true, cellEditorParams: { maxLength: 100000, rows: 8, cols: 50 } });
      break;
    case "number":
      Object.assign(col, {
        cellEditor: "agNumberCellEditor",
        cellEditorParams: { precision: field.number_decimal_places ?? 0, showStepperButtons: false },
        valueGetter: (p: ValueGetterParams<Row>) => {
          const v = p.data?.[key(field)];
          return v === null || v === undefined || v === "" ? null : Number(v);
        },
        valueFormatter: (p: { value: unknown }) =>
          p.value === null || p.value === undefined ? "" : asText(field, Number(p.value).toFixed(field.number_decimal_places ?? 0)),
        type: "rightAligned",
      });
      break;
    case "boolean":
      Object.assign(col, { cellRenderer: "agCheckboxCellRenderer", cellEditor: "agCheckboxCellEditor", valueFormatter: undefined, cellDataType: "boolean" });
      break;
    case "date":
      if (field.date_include_time) Object.assign(col, { cellEditor: DateTimeEditor, cellEditorParams: { field } });
      else Object.assign(col, { cellEditor: "agDateStringCellEditor" });
      break;
    case "rating":
      Object.assign(col, {
        cellRenderer: RatingRenderer,
        cellRendererParams: { field },
        cellEditor: "agNumberCellEditor",
        cellEditorParams: { min: 0, max: field.max_value ?? 5, precision: 0, showStepperButtons: false },
      });
      break;
    case "single_select":
      Object.assign(col, { cellRenderer: ChipsRenderer, cellRendererParams: { field }, cellEditor: SelectEditor, cellEditorParams: { field }, cellEditorPopup: true });
      break;
    case "password":
      Object.assign(col, { cellEditor: PasswordEditor, cellEditorParams: { field }, cellEditorPopup: true, valueFormatter: (p: { value: unknown }) => passwordText(p.value) });
      break;
    case "multiple_select":
    case "multiple_collaborators":
    case "link_row":
      Object.assign(col, { cellRenderer: ChipsRenderer, cellRendererParams: { field }, cellEditor: PickerEditor, cellEditorParams: { field }, cellEditorPopup: true });
      break;
    case "file":
      Object.assign(col, { cellRenderer: ChipsRenderer, cellRendererParams: { field }, cellEditor: FileEditor, cellEditorParams: { field }, cellEditorPopup: true });
      break;
    case "lookup":
      Object.assign(col, { cellRenderer: ChipsRenderer, cellRendererParams: { field } });
      break;
    case "duration":
      Object.assign(col, { cellEditor: "agTextCellEditor" });
      break;
  }
  if (field.type === "duration") col.cellEditorParams = { useFormatter: true };
  return col;
}
