// Drag an item of a list to another place in it, with the mouse (or a finger): pointer
// events, not HTML drag and drop, so a link inside stays a link and a click is not a drag
// until the pointer has moved a few pixels. The list's items carry `data-drag-item`; the one
// under the pointer is marked where the dragged one would land. The up/down buttons next to
// each item do the same from the keyboard.

const THRESHOLD = 5; // pixels the pointer moves before a press becomes a drag

export function dragToReorder(e: PointerEvent, onDrop: (from: number, to: number) => void): void {
  if (e.button !== 0 || (e.target as HTMLElement).closest("button, input, form")) return;
  const item = (e.currentTarget as HTMLElement).closest<HTMLElement>("[data-drag-item]");
  const list = item?.parentElement;
  if (!item || !list) return;
  const items = () => Array.from(list.children).filter((c): c is HTMLElement => c instanceof HTMLElement && c.hasAttribute("data-drag-item"));
  const from = items().indexOf(item);
  const startY = e.clientY;
  let dragging = false;
  let to = from;

  const mark = () => {
    for (const [i, el] of items().entries()) {
      el.classList.toggle("drop-before", dragging && i === to && to < from);
      el.classList.toggle("drop-after", dragging && i === to && to > from);
    }
  };
  const move = (m: PointerEvent) => {
    if (!dragging && Math.abs(m.clientY - startY) < THRESHOLD) return;
    dragging = true;
    item.classList.add("dragging");
    // the place whose middle the pointer is above of, counted from the top
    const all = items();
    to = all.length - 1;
    for (const [i, el] of all.entries()) {
      const box = el.getBoundingClientRect();
      if (m.clientY < box.top + box.height / 2) {
        to = i > from ? i - 1 : i;
        break;
      }
    }
    mark();
  };
  const end = (u: PointerEvent) => {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", end);
    window.removeEventListener("pointercancel", end);
    item.classList.remove("dragging");
    const moved = dragging;
    dragging = false;
    mark();
    if (!moved) return;
    // the click that ends a drag does not open the link it was dragged by
    const swallow = (c: MouseEvent) => {
      c.preventDefault();
      c.stopPropagation();
    };
    window.addEventListener("click", swallow, { capture: true, once: true });
    window.setTimeout(() => window.removeEventListener("click", swallow, { capture: true }), 0);
    if (u.type === "pointerup" && to !== from) onDrop(from, to);
  };
  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", end);
  window.addEventListener("pointercancel", end);
}

// The ids in their new order, one moved from one place to another.
export function reorder(ids: number[], from: number, to: number): number[] {
  const next = [...ids];
  const [id] = next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}
