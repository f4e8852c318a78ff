// A password cell is write-only: the API answers true when one is set (false for a blank
// one, null when none) and never the password. The editor sets a new one (Enter) or clears
// it (the Clear button); Esc, or Enter on an empty input, leaves it as it was.
import type { ICellEditorComp, ICellEditorParams } from "ag-grid-community";
import type { Field } from "../types";

export const passwordText = (value: unknown) => (value === true ? "•••••••• (set)" : value === false ? "(blank)" : "");

export class PasswordEditor implements ICellEditorComp {
  private el = document.createElement("div");
  private input = document.createElement("input");
  private cleared = false;
  private params!: ICellEditorParams;

  init(params: ICellEditorParams): void {
    this.params = params;
    const field = params.colDef.cellEditorParams.field as Field;
    this.el.className = "select-editor password-editor";
    this.input.type = "password";
    this.input.autocomplete = "new-password";
    this.input.setAttribute("aria-label", `New password for ${field.name}`);
    this.input.placeholder = params.value === true ? "Type to replace" : "Type a password";
    if (params.eventKey && params.eventKey.length === 1) this.input.value = params.eventKey;
    const status = document.createElement("p");
    status.className = "hint";
    status.textContent = params.value === true ? "A password is set." : params.value === false ? "A blank password is set." : "No password is set.";
    this.el.append(this.input, status);
    if (params.value !== null && params.value !== undefined) {
      const clear = document.createElement("button");
      clear.type = "button";
      clear.textContent = "Clear password";
      clear.addEventListener("click", () => {
        this.cleared = true;
        this.params.stopEditing();
      });
      // Tab moves between the input and the button (not to the next cell); Enter or Space
      // on the button clears
      clear.addEventListener("keydown", (e) => {
        if (e.key === "Tab" && e.shiftKey) {
          e.preventDefault();
          this.input.focus();
        }
        if (e.key === "Tab" || e.key === "Enter" || e.key === " ") e.stopPropagation();
      });
      this.el.append(clear);
    }
    this.input.addEventListener("keydown", (e) => {
      const clear = this.el.querySelector("button");
      if (e.key === "Tab" && !e.shiftKey && clear) {
        e.preventDefault();
        clear.focus();
      }
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key) || (e.key === "Tab" && clear && !e.shiftKey)) e.stopPropagation();
    });
  }

  getGui(): HTMLElement {
    return this.el;
  }
  afterGuiAttached(): void {
    this.input.focus();
  }
  // nothing typed and not cleared: no change to save
  isCancelAfterEnd(): boolean {
    return !this.cleared && this.input.value === "";
  }
  getValue(): string | null {
    return this.cleared ? null : this.input.value;
  }
  isPopup(): boolean {
    return true;
  }
}
