/** Small, escaped HTML pages for the payment methods' own routes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td{padding:.25rem 0}td.r{text-align:right}
button{font-size:1.1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:0;background:#2d6cdf;color:#fff;cursor:pointer}
.note{background:#f4f6fa;padding:.75rem 1rem;border-radius:.4rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}
