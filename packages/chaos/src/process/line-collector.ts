/** Splits a stream's text into lines as it arrives; `end()` keeps an unterminated last line. */
export function lineCollector(): {
  readonly lines: string[];
  push(chunk: string): void;
  end(): void;
} {
  const lines: string[] = [];
  let partial = "";
  return {
    lines,
    push: (chunk) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts);
    },
    end: () => {
      if (partial !== "") lines.push(partial);
      partial = "";
    },
  };
}
