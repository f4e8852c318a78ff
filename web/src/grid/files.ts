// The file cell editor: the cell's files with thumbnails (× removes one) and an upload
// button; each chosen file goes to /api/user-files/upload-file/ and joins the list.
import type { ICellEditorComp, ICellEditorParams } from "ag-grid-community";
import { api, errorText } from "../api";
import type { Field } from "../types";

interface UserFile {
  name: string;
  visible_name: string;
  thumbnails?: { small?: { url: string } } | null;
}

export class FileEditor implements ICellEditorComp {
  private el = document.createElement("div");
  private list = document.createElement("ul");
  private input = document.createElement("input");
  private status = document.createElement("p");
  private files: UserFile[] = [];

  init(params: ICellEditorParams): void {
    const field = params.colDef.cellEditorParams.field as Field;
    this.files = Array.isArray(params.value) ? [...(params.value as UserFile[])] : [];
    this.el.className = "select-editor file-editor";
    this.input.type = "file";
    this.input.multiple = true;
    this.input.setAttribute("aria-label", `Upload files to ${field.name}`);
    this.status.setAttribute("role", "status");
    const done = document.createElement("button");
    done.type = "button";
    done.textContent = "Done";
    done.addEventListener("click", () => params.stopEditing());
    this.el.append(this.list, this.input, this.status, done);
    this.el.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        params.stopEditing();
      }
    });
    this.input.addEventListener("change", () => void this.upload());
    this.render();
  }

  private async upload(): Promise<void> {
    for (const file of Array.from(this.input.files ?? [])) {
      this.status.textContent = `Uploading ${file.name}…`;
      const body = new FormData();
      body.append("file", file);
      try {
        // an upload answers `original_name`; a cell's file takes it as its `visible_name`
        const uploaded = await api.post<UserFile & { original_name: string }>("/api/user-files/upload-file/", body);
        this.files.push({ ...uploaded, visible_name: uploaded.original_name });
        this.status.textContent = "";
      } catch (e) {
        this.status.textContent = `${file.name}: ${errorText(e)}`;
        this.status.className = "error";
      }
      this.render();
    }
    this.input.value = "";
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.files.map((f, i) => {
        const li = document.createElement("li");
        const thumb = f.thumbnails?.small?.url;
        if (thumb) {
          const img = document.createElement("img");
          img.src = thumb;
          img.alt = "";
          img.className = "thumb";
          li.append(img);
        }
        li.append(document.createTextNode(` ${f.visible_name} `));
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "icon";
        remove.textContent = "×";
        remove.setAttribute("aria-label", `Remove ${f.visible_name}`);
        remove.addEventListener("click", () => {
          this.files.splice(i, 1);
          this.render();
        });
        li.append(remove);
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
  getValue(): UserFile[] {
    return this.files;
  }
  isPopup(): boolean {
    return true;
  }
}
