/**
 * Path → inode number, kept by the fault filesystem beside the memfs volume
 * (memfs reuses inode numbers, and the trace needs numbers that never
 * repeat). A rename or removal of a directory carries its whole subtree.
 */
export class PathIds {
  readonly #ids = new Map<string, number>();
  #next: number;

  constructor(entries: Iterable<[string, number]>, next: number) {
    for (const [path, ino] of entries) this.#ids.set(path, ino);
    this.#next = next;
  }

  get(path: string): number | undefined {
    return this.#ids.get(path);
  }

  /** The path that names `ino` now, if any. */
  pathOf(ino: number): string | undefined {
    for (const [path, id] of this.#ids) if (id === ino) return path;
    return undefined;
  }

  /** A fresh inode number for a new file or directory at `path`. */
  allocate(path: string): number {
    const ino = this.#next++;
    this.#ids.set(path, ino);
    return ino;
  }

  /** Forgets `path` and everything under it. */
  remove(path: string): void {
    for (const key of this.#subtree(path)) this.#ids.delete(key);
  }

  /** Moves `from` and everything under it to `to`, replacing whatever `to` named. */
  move(from: string, to: string): void {
    const moved = this.#subtree(from).map((key) => [key, this.#ids.get(key) as number] as const);
    this.remove(to);
    for (const [key] of moved) this.#ids.delete(key);
    for (const [key, ino] of moved) this.#ids.set(to + key.slice(from.length), ino);
  }

  #subtree(path: string): string[] {
    const prefix = path === "/" ? "/" : `${path}/`;
    return [...this.#ids.keys()].filter((key) => key === path || key.startsWith(prefix));
  }
}
