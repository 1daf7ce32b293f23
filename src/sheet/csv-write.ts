// CSV output (portable): UTF-8 with a BOM, so Excel on Windows opens it with the right
// encoding; CRLF line ends; a field with a comma, quote or line break quoted (RFC 4180).

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record's line, with its CRLF. */
export const csvLine = (values: readonly string[]): string => `${values.map(csvField).join(',')}\r\n`;

/** A whole file's text, BOM first. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map(csvLine).join('')}`;
}
