import type { TraceOp } from "../trace/trace-op.js";

/** A file's bytes: `data` may be longer than `size`; bytes past `size` are always zero. */
export interface FileNode {
  kind: "file";
  data: Uint8Array;
  size: number;
}

export interface DirNode {
  kind: "dir";
  entries: Map<string, number>;
}

/**
 * A filesystem as inodes and directory entries: what a disk holds. Nodes no
 * entry reaches (a file whose create was lost, an unlinked file) stay in
 * `nodes` as orphans and are not materialised, as fsck would drop them.
 */
export interface Image {
  readonly root: number;
  readonly nodes: Map<number, FileNode | DirNode>;
}

export function emptyImage(): Image {
  return { root: 0, nodes: new Map([[0, { kind: "dir", entries: new Map() }]]) };
}

export function cloneImage(image: Image): Image {
  const nodes = new Map<number, FileNode | DirNode>();
  for (const [ino, node] of image.nodes) {
    nodes.set(
      ino,
      node.kind === "dir"
        ? { kind: "dir", entries: new Map(node.entries) }
        : { kind: "file", data: node.data.slice(0, node.size), size: node.size },
    );
  }
  return { root: image.root, nodes };
}

/** The bytes of a file node. */
export function fileBytes(node: FileNode): Uint8Array {
  return node.data.subarray(0, node.size);
}

/**
 * Applies one op. Returns false, changing nothing, when the op cannot apply
 * because an op it depends on did not persist (a rename whose source entry
 * is missing, a create whose name is taken, an rmdir of a non-empty
 * directory): such a combination is not a state any disk can be in.
 * `bytes` replaces a write's data (a torn write).
 */
export function applyOp(image: Image, op: TraceOp, bytes?: Uint8Array): boolean {
  switch (op.kind) {
    case "fsync":
    case "fsyncdir":
      return true;
    case "write": {
      const data = bytes ?? op.data;
      const file = fileNode(image, op.ino);
      const end = op.offset + data.length;
      reserve(file, end);
      file.data.set(data, op.offset);
      file.size = Math.max(file.size, end);
      return true;
    }
    case "truncate": {
      const file = fileNode(image, op.ino);
      if (op.length < file.size) file.data.fill(0, op.length, file.size);
      else reserve(file, op.length);
      file.size = op.length;
      return true;
    }
    case "mkdir":
    case "create": {
      const parent = dirNode(image, op.parent);
      if (parent.entries.has(op.name)) return false;
      if (!image.nodes.has(op.ino)) {
        image.nodes.set(
          op.ino,
          op.kind === "mkdir"
            ? { kind: "dir", entries: new Map() }
            : { kind: "file", data: new Uint8Array(0), size: 0 },
        );
      }
      parent.entries.set(op.name, op.ino);
      return true;
    }
    case "rename": {
      const from = dirNode(image, op.fromParent);
      if (from.entries.get(op.fromName) !== op.ino) return false;
      const to = dirNode(image, op.toParent);
      const replaced = to.entries.get(op.toName);
      if (replaced !== undefined && replaced !== op.ino) {
        const node = image.nodes.get(replaced);
        if (node?.kind === "dir" && node.entries.size > 0) return false;
      }
      from.entries.delete(op.fromName);
      to.entries.set(op.toName, op.ino);
      return true;
    }
    case "unlink":
    case "rmdir": {
      const parent = dirNode(image, op.parent);
      if (parent.entries.get(op.name) !== op.ino) return false;
      const node = image.nodes.get(op.ino);
      if (op.kind === "rmdir" && node?.kind === "dir" && node.entries.size > 0) return false;
      parent.entries.delete(op.name);
      return true;
    }
  }
}

// A node an op refers to but whose creation did not persist is an orphan:
// made on demand, reachable from nowhere.
function fileNode(image: Image, ino: number): FileNode {
  const node = image.nodes.get(ino);
  if (node?.kind === "file") return node;
  if (node) throw new TypeError(`inode ${ino} is a directory, not a file`);
  const created: FileNode = { kind: "file", data: new Uint8Array(0), size: 0 };
  image.nodes.set(ino, created);
  return created;
}

function dirNode(image: Image, ino: number): DirNode {
  const node = image.nodes.get(ino);
  if (node?.kind === "dir") return node;
  if (node) throw new TypeError(`inode ${ino} is a file, not a directory`);
  const created: DirNode = { kind: "dir", entries: new Map() };
  image.nodes.set(ino, created);
  return created;
}

function reserve(file: FileNode, size: number): void {
  if (file.data.length >= size) return;
  // Doubling keeps a replayed append-only journal linear, not quadratic.
  const grown = new Uint8Array(Math.max(size, file.data.length * 2, 64));
  grown.set(file.data.subarray(0, file.size));
  file.data = grown;
}

/** Every reachable path, parents before children, with its node. */
export function reachable(image: Image): Array<[string, FileNode | DirNode]> {
  const out: Array<[string, FileNode | DirNode]> = [];
  const visit = (path: string, ino: number, seen: Set<number>) => {
    const node = image.nodes.get(ino);
    if (!node || seen.has(ino)) return;
    out.push([path, node]);
    if (node.kind !== "dir") return;
    const inside = new Set(seen).add(ino);
    for (const name of [...node.entries.keys()].sort()) {
      visit(
        path === "/" ? `/${name}` : `${path}/${name}`,
        node.entries.get(name) as number,
        inside,
      );
    }
  };
  visit("/", image.root, new Set());
  return out;
}
