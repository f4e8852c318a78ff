// The API's JSON, as much of it as the app reads.
export interface Table {
  id: number;
  name: string;
  order: number;
  database_id: number;
}

export interface Database {
  id: number;
  name: string;
  type: string;
  workspace: { id: number; name: string };
  tables: Table[];
}

export interface Workspace {
  id: number;
  name: string;
}

export interface SelectOption {
  id: number;
  value: string;
  color: string;
}

export interface Field {
  id: number;
  name: string;
  type: string;
  primary: boolean;
  read_only: boolean;
  order: number;
  number_decimal_places?: number;
  number_negative?: boolean;
  number_prefix?: string;
  number_suffix?: string;
  date_include_time?: boolean;
  date_format?: "EU" | "US" | "ISO";
  date_time_format?: "24" | "12";
  date_force_timezone?: string | null;
  select_options?: SelectOption[];
  max_value?: number;
  duration_format?: string;
  link_row_table_id?: number;
  available_collaborators?: { id: number; name: string }[];
  long_text_enable_rich_text?: boolean;
  formula?: string;
  formula_type?: string;
  [key: string]: unknown;
}

export type Row = { id: number; order: string } & Record<string, unknown>;

export interface RowPage {
  count: number;
  next: string | null;
  results: Row[];
}

export type Grant = boolean | [string, number][];

export interface Token {
  id: number;
  name: string;
  workspace: number;
  key: string;
  permissions: { create: Grant; read: Grant; update: Grant; delete: Grant };
  expires_at?: string | null;
}
