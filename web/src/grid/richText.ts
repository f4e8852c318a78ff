// Long text with rich text on: the cell keeps the markdown Baserow stores (**bold**, _italic_,
// "- " and "1. " lists, [links](https://…)). The editor is a textarea under a toolbar that
// writes that markdown around the selection; the cell shows it as simple HTML, built as DOM
// nodes from text (never innerHTML), with links only to http(s) and mailto addresses.
import type { ICellEditorComp, ICellEditorParams, ICellRendererComp, ICellRendererParams } from "ag-grid-community";
import type { Field } from "../types";

// **bold**, __bold__, _italic_, *italic*, `code`, [text](url)
const INLINE = /(\*\*|__)(.+?)\1|(?<![\w*])([*_])(?![\s*_])(.+?)(?<![\s\\])\3(?![\w*])|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;
const SAFE_URL = /^(https?:|mailto:)/i;

function inline(text: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
    let el: HTMLElement;
    if (m[2] !== undefined) {
      el = document.createElement("strong");
      el.append(...inline(m[2]));
    } else if (m[4] !== undefined) {
      el = document.createElement("em");
      el.append(...inline(m[4]));
    } else if (m[5] !== undefined) {
      el = document.createElement("code");
      el.textContent = m[5];
    } else if (SAFE_URL.test(m[7])) {
      const a = document.createElement("a");
      a.href = m[7];
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.append(...inline(m[6]));
      el = a;
    } else {
      el = document.createElement("span"); // a link to anything else: its text only
      el.append(...inline(m[6]));
    }
    nodes.push(el);
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

// The markdown as one line of simple HTML for a cell: list items get their bullet or number.
export function renderMarkdown(markdown: string): Node[] {
  const nodes: Node[] = [];
  for (const raw of markdown.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    if (nodes.length) nodes.push(document.createTextNode(" "));
    const bullet = /^[-*+]\s+(.*)$/.exec(line);
    const numbered = /^(\d+)[.)]\s+(.*)$/.exec(line);
    const span = document.createElement("span");
    if (bullet) span.append("• ", ...inline(bullet[1]));
    else if (numbered) span.append(`${numbered[1]}. `, ...inline(numbered[2]));
    else span.append(...inline(line.replace(/^#{1,6}\s+/, "")));
    nodes.push(span);
  }
  return nodes;
}

export class RichTextRenderer implements ICellRendererComp {
  private el = document.createElement("span");
  init(params: ICellRendererParams): void {
    this.refresh(params);
  }
  getGui(): HTMLElement {
    return this.el;
  }
  refresh(params: ICellRendererParams): boolean {
    this.el.className = "rich-text";
    this.el.replaceChildren(...renderMarkdown(String(params.value ?? "")));
    return true;
  }
}

type Tool = { label: string; text: string; keys: string; run: (t: HTMLTextAreaElement) => void };

// Wrap the selection in a mark (or insert the mark pair around a placeholder word).
function wrap(t: HTMLTextAreaElement, mark: string, placeholder: string): void {
  const { selectionStart: s, selectionEnd: e, value } = t;
  const inner = value.slice(s, e) || placeholder;
  t.setRangeText(`${mark}${inner}${mark}`, s, e, "preserve");
  t.setSelectionRange(s + mark.length, s + mark.length + inner.length);
}

// Start each line of the selection with a list marker ("- ", or "1. ", "2. " …).
function list(t: HTMLTextAreaElement, numbered: boolean): void {
  const { value } = t;
  const start = value.lastIndexOf("\n", t.selectionStart - 1) + 1;
  const found = value.indexOf("\n", t.selectionEnd);
  const end = found < 0 ? value.length : found;
  const lines = value.slice(start, end).split("\n");
  const text = lines.map((l, i) => `${numbered ? `${i + 1}. ` : "- "}${l.replace(/^([-*+]|\d+[.)])\s+/, "")}`).join("\n");
  t.setRangeText(text, start, end, "end");
}

// [selection](https://) with the address selected, to type over.
function link(t: HTMLTextAreaElement): void {
  const { selectionStart: s, selectionEnd: e, value } = t;
  const label = value.slice(s, e) || "link";
  const url = /^(https?:\/\/|mailto:)\S+$/.test(label) ? label : "https://";
  t.setRangeText(`[${label}](${url})`, s, e, "preserve");
  const at = s + label.length + 3;
  t.setSelectionRange(at, at + url.length);
}

const TOOLS: Tool[] = [
  { label: "Bold", text: "B", keys: "Control+B", run: (t) => wrap(t, "**", "bold") },
  { label: "Italic", text: "I", keys: "Control+I", run: (t) => wrap(t, "_", "italic") },
  { label: "Bulleted list", text: "•", keys: "Control+Shift+8", run: (t) => list(t, false) },
  { label: "Numbered list", text: "1.", keys: "Control+Shift+7", run: (t) => list(t, true) },
  { label: "Link", text: "🔗", keys: "Control+K", run: link },
];

function toolFor(e: KeyboardEvent): Tool | undefined {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return undefined;
  const k = e.key.toLowerCase();
  if (!e.shiftKey && k === "b") return TOOLS[0];
  if (!e.shiftKey && k === "i") return TOOLS[1];
  if (e.shiftKey && (k === "8" || k === "*")) return TOOLS[2];
  if (e.shiftKey && (k === "7" || k === "&")) return TOOLS[3];
  if (!e.shiftKey && k === "k") return TOOLS[4];
  return undefined;
}

// The popup editor: toolbar (buttons, or their shortcuts) over the markdown; Enter saves,
// Shift+Enter starts a new line, Esc cancels.
export class RichTextEditor implements ICellEditorComp {
  private el = document.createElement("div");
  private text = document.createElement("textarea");

  init(params: ICellEditorParams): void {
    const field = params.colDef.cellEditorParams.field as Field;
    this.el.className = "rich-editor";
    const bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", `Format ${field.name}`);
    for (const tool of TOOLS) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = tool.text;
      b.setAttribute("aria-label", tool.label);
      b.setAttribute("aria-keyshortcuts", tool.keys);
      b.title = `${tool.label} (${tool.keys.replace("Control", "Ctrl")})`;
      b.addEventListener("mousedown", (e) => e.preventDefault()); // the textarea keeps its selection
      b.addEventListener("click", () => this.apply(tool));
      bar.append(b);
    }
    this.text.setAttribute("aria-label", `${field.name} (markdown)`);
    this.text.rows = 8;
    this.text.cols = 50;
    this.text.maxLength = 100000;
    this.text.value = params.eventKey && params.eventKey.length === 1 ? params.eventKey : String(params.value ?? "");
    this.text.addEventListener("keydown", (e) => {
      const tool = toolFor(e);
      if (tool) {
        e.preventDefault();
        this.apply(tool);
      }
      const moves = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"];
      if (tool || moves.includes(e.key) || (e.key === "Enter" && e.shiftKey)) e.stopPropagation();
    });
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "Markdown. Enter saves, Shift+Enter adds a line, Esc cancels.";
    this.el.append(bar, this.text, hint);
  }

  private apply(tool: Tool): void {
    this.text.focus();
    tool.run(this.text);
  }

  getGui(): HTMLElement {
    return this.el;
  }
  afterGuiAttached(): void {
    this.text.focus();
    this.text.setSelectionRange(this.text.value.length, this.text.value.length);
  }
  getValue(): string {
    return this.text.value;
  }
  isPopup(): boolean {
    return true;
  }
}
