// Numbers as a person reads them: integers as they are (years and ids stay unchanged),
// fractions to a few significant places, large amounts grouped.
export function formatNumber(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return Math.abs(v) >= 1e15 ? v.toExponential(3) : String(v);
  const a = Math.abs(v);
  if (a >= 1e15 || (a > 0 && a < 1e-4)) return v.toExponential(3);
  const digits = a >= 100 ? 2 : a >= 1 ? 3 : 4;
  return v.toLocaleString('en-US', {maximumFractionDigits: digits, useGrouping: a >= 10000});
}

export function formatCell(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function percent(v) { return `${Math.round(v * 100)}%`; }

// RFC 4180: quote fields holding a comma, quote or line break; numbers in full precision.
export function toCsv(columns, rows) {
  const field = (v) => {
    if (v === null || v === undefined) return '';
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

export function download(filename, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
