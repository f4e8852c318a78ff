// Cell values as text, the way each field type shows them.
import type { Field } from "../types";

const pad = (n: number) => String(n).padStart(2, "0");

export function zoneOf(field: Field): string {
  return field.date_force_timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

// The wall-clock parts of an instant in a time zone.
export function wallParts(instant: Date, timeZone: string): { y: number; m: number; d: number; h: number; min: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { y: get("year"), m: get("month"), d: get("day"), h: get("hour"), min: get("minute") };
}

// "YYYY-MM-DDTHH:mm" read in a time zone → the UTC instant (ISO). Two passes settle DST edges.
export function zonedToUtc(wall: string, timeZone: string): string {
  const [date, time = "00:00"] = wall.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const [h, min] = time.split(":").map(Number);
  const target = Date.UTC(y, m - 1, d, h, min);
  let guess = target;
  for (let i = 0; i < 2; i++) {
    const p = wallParts(new Date(guess), timeZone);
    guess += target - Date.UTC(p.y, p.m - 1, p.d, p.h, p.min);
  }
  return new Date(guess).toISOString();
}

export function utcToWall(iso: string, timeZone: string): string {
  const p = wallParts(new Date(iso), timeZone);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}T${pad(p.h)}:${pad(p.min)}`;
}

function formatDay(y: number, m: number, d: number, format: Field["date_format"]): string {
  if (format === "US") return `${pad(m)}/${pad(d)}/${y}`;
  if (format === "ISO") return `${y}-${pad(m)}-${pad(d)}`;
  return `${pad(d)}/${pad(m)}/${y}`;
}

export function formatDate(field: Field, value: string): string {
  if (!field.date_include_time || value.length <= 10) {
    const [y, m, d] = value.slice(0, 10).split("-").map(Number);
    return formatDay(y, m, d, field.date_format);
  }
  const p = wallParts(new Date(value), zoneOf(field));
  let time: string;
  if (field.date_time_format === "12") {
    time = `${((p.h + 11) % 12) + 1}:${pad(p.min)} ${p.h < 12 ? "AM" : "PM"}`;
  } else time = `${pad(p.h)}:${pad(p.min)}`;
  const zone = field.date_show_tzinfo ? ` ${zoneOf(field)}` : "";
  return `${formatDay(p.y, p.m, p.d, field.date_format)} ${time}${zone}`;
}

export function formatDuration(field: Field, seconds: number): string {
  const format = field.duration_format || "h:mm";
  const neg = seconds < 0 ? "-" : "";
  let s = Math.abs(seconds);
  const days = format.startsWith("d") ? Math.floor(s / 86400) : 0;
  s -= days * 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const decimals = format.includes(".") ? format.split(".")[1].length : 0;
  const secText = decimals ? sec.toFixed(decimals).padStart(3 + decimals, "0") : pad(Math.floor(sec));
  const withSeconds = format.includes("ss");
  if (format.startsWith("d")) {
    if (format === "d h") return `${neg}${days}d ${h}h`;
    if (format === "d h mm") return `${neg}${days}d ${h}h ${m}m`;
    if (format === "d h mm ss") return `${neg}${days}d ${h}h ${m}m ${secText}s`;
    return `${neg}${days}d ${h}:${pad(m)}${withSeconds ? `:${secText}` : ""}`;
  }
  return `${neg}${h}:${pad(m)}${withSeconds ? `:${secText}` : ""}`;
}

// Any value (also of computed fields) as one line of text.
export function asText(field: Field, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (field.type === "password") return value === true ? "(set)" : value === false ? "(blank)" : "";
  const type = field.type === "formula" || field.type === "lookup" || field.type === "rollup" || field.type === "count" ? field.formula_type : field.type;
  if (Array.isArray(value)) return value.map((v) => asText({ ...field, type: "text" }, v)).join(", ");
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("value" in o) return asText({ ...field, type: "text" }, o.value);
    if ("visible_name" in o) return String(o.visible_name);
    if ("name" in o) return String(o.name);
    if ("label" in o) return String(o.label ?? o.url ?? "");
    return JSON.stringify(o);
  }
  if (type === "number" && typeof value === "string") return `${field.number_prefix ?? ""}${value}${field.number_suffix ?? ""}`;
  if ((type === "date" || type === "created_on" || type === "last_modified") && typeof value === "string") return formatDate(field, value);
  if ((type === "duration" || type === "date_interval") && typeof value === "number") return formatDuration(field, value);
  return String(value);
}
