// Small controls shared by the sidebar: a name that can be renamed or deleted in place, and
// an "add" button that opens a one-field form.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { errorText } from "../api";

export function InlineName(props: {
  label: string;
  name: string;
  href?: string;
  onOpen?: (e: MouseEvent) => void;
  onRename: (name: string) => Promise<unknown>;
  onDelete: () => Promise<unknown>;
  onMove?: (by: -1 | 1) => Promise<unknown>;
  extra?: ComponentChildren;
}) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(props.name);
  const [error, setError] = useState("");
  if (editing) {
    return (
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await props.onRename(value);
            setEditing(false);
            setError("");
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <input
          aria-label={`New name of ${props.label}`}
          value={value}
          autoFocus
          onInput={(e) => setValue(e.currentTarget.value)}
          onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
        />
        <button type="submit">Save</button>
        {error && (
          <span class="error" role="alert">
            {error}
          </span>
        )}
      </form>
    );
  }
  return (
    <div class="item">
      {props.href ? (
        <a class="name" href={props.href} onClick={props.onOpen}>
          {props.name}
        </a>
      ) : (
        <span class="name">{props.name}</span>
      )}
      {props.extra}
      <span class="item-actions">
        {props.onMove && (
          <>
            <button type="button" class="icon" aria-label={`Move ${props.label} up`} title="Move up" onClick={() => void props.onMove!(-1).catch(() => undefined)}>
              ↑
            </button>
            <button type="button" class="icon" aria-label={`Move ${props.label} down`} title="Move down" onClick={() => void props.onMove!(1).catch(() => undefined)}>
              ↓
            </button>
          </>
        )}
        <button
          type="button"
          class="icon"
          aria-label={`Rename ${props.label}`}
          title="Rename"
          onClick={() => {
            setValue(props.name);
            setEditing(true);
          }}
        >
          ✎
        </button>
        <button type="button" class="icon" aria-label={`Delete ${props.label}`} title="Delete" onClick={() => void props.onDelete().catch(() => undefined)}>
          ✕
        </button>
      </span>
    </div>
  );
}

export function NewItem({ label, placeholder, onCreate }: { label: string; placeholder: string; onCreate: (name: string) => Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState("");
  const [error, setError] = useState("");
  if (!open) {
    return (
      <button type="button" class="add" onClick={() => setOpen(true)}>
        + {label}
      </button>
    );
  }
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await onCreate(value);
          setOpen(false);
          setValue("");
          setError("");
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <input
        aria-label={placeholder}
        placeholder={placeholder}
        value={value}
        autoFocus
        required
        onInput={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
      />
      <button type="submit">Create</button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
