/**
 * Markdown tables for the bench output.
 *
 * @module
 */

/**
 * @param header Column titles.
 * @param rows Cells, already formatted.
 * @param align One letter per column, `l` or `r` (default: first column left, the rest right).
 * @returns A GitHub-flavoured markdown table.
 */
export function markdownTable(header: string[], rows: string[][], align?: string): string {
  const rule = header.map((_, i) => ((align ?? "l")[i] ?? "r") === "l" ? "---" : "---:");
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), `|${rule.join("|")}|`, ...rows.map(line)].join("\n");
}
