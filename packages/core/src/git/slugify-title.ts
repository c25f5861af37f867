/** Combining marks left after NFKD: "é" → "e" + U+0301, and the mark is dropped. */
const COMBINING_MARKS = /\p{M}+/gu;

/** Latin letters NFKD does not decompose, spelled the way their languages spell them in ASCII. */
const LETTERS: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  ø: "o",
  Ø: "O",
  œ: "oe",
  Œ: "OE",
  đ: "d",
  Đ: "D",
  ł: "l",
  Ł: "L",
  þ: "th",
  Þ: "TH",
};
const OTHER_LETTERS = new RegExp(`[${Object.keys(LETTERS).join("")}]`, "g");

/**
 * A title as a branch-name fragment: ASCII lowercase letters, digits and
 * single hyphens, no hyphen at either end, at most `maxLength` characters
 * (cut at a hyphen when one is near, so words stay whole). Accented letters
 * keep their base letter; everything else (punctuation, spaces, `..`, `@{`,
 * control characters, other scripts) becomes a separator. May be empty.
 */
export function slugifyTitle(title: string, maxLength: number): string {
  const slug = title
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .replace(OTHER_LETTERS, (letter) => LETTERS[letter] ?? "-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  const lastHyphen = cut.lastIndexOf("-");
  // Keep a whole last word when that loses less than a third of the room.
  const trimmed = lastHyphen >= (maxLength * 2) / 3 ? cut.slice(0, lastHyphen) : cut;
  return trimmed.replace(/-+$/, "");
}
