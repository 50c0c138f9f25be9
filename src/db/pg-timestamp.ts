/**
 * PostgreSQL TIMESTAMP (without time zone) text, which this application stores as UTC,
 * as a Date. The common form "YYYY-MM-DD HH:MM:SS[.f...]" (years 1000-9999, what the API
 * accepts) is read digit by digit into Date.UTC, without building and parsing an ISO
 * string; anything else (infinity, BC, years below 1000, an unexpected shape) goes through
 * the string parser as before. Fractions beyond milliseconds are cut, as Date's parser does.
 */
export function parsePgUtcTimestamp(s: string): Date | null {
  const n = s.length;
  if (n >= 19 && n <= 26 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(10) === 32 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58 && (n === 19 || (n > 20 && s.charCodeAt(19) === 46))) {
    const y = num(s, 0, 4);
    const mo = num(s, 5, 7);
    const d = num(s, 8, 10);
    const h = num(s, 11, 13);
    const mi = num(s, 14, 16);
    const sec = num(s, 17, 19);
    let ms = 0;
    if (n > 19) {
      const f = num(s, 20, n);
      if (f < 0) return slow(s);
      ms = Math.floor(f / 10 ** (n - 20 - 3));
    }
    if (y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59) {
      return new Date(Date.UTC(y, mo - 1, d, h, mi, sec, ms));
    }
  }
  return slow(s);
}

function slow(s: string): Date | null {
  return s.includes("infinity") ? null : new Date(`${s.replace(" ", "T")}Z`);
}

/** The decimal number in s[from, to), or -1 if a character is not a digit. */
function num(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
