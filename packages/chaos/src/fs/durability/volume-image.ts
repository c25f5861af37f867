import { createHash } from "node:crypto";
import { Volume } from "memfs";
import { type DirNode, type FileNode, fileBytes, type Image, reachable } from "./image.js";

/** An image read from a volume, with the inode number it gave each path. */
export interface VolumeImage {
  readonly image: Image;
  readonly ids: ReadonlyMap<string, number>;
  /** The first unused inode number. */
  readonly next: number;
}

/** Reads a memfs volume (directories and regular files only) into an image. */
export function imageFromVolume(volume: Volume): VolumeImage {
  const nodes = new Map<number, FileNode | DirNode>();
  const ids = new Map<string, number>();
  let next = 0;
  const visit = (path: string): number => {
    const ino = next++;
    ids.set(path, ino);
    const stat = volume.lstatSync(path);
    if (stat.isDirectory()) {
      const entries = new Map<string, number>();
      nodes.set(ino, { kind: "dir", entries });
      for (const name of (volume.readdirSync(path) as string[]).sort()) {
        entries.set(name, visit(path === "/" ? `/${name}` : `${path}/${name}`));
      }
    } else if (stat.isFile()) {
      const data = new Uint8Array(volume.readFileSync(path) as Buffer);
      nodes.set(ino, { kind: "file", data, size: data.length });
    } else {
      throw new TypeError(
        `The fault filesystem models directories and regular files only; ${path} is neither.`,
      );
    }
    return ino;
  };
  visit("/");
  return { image: { root: 0, nodes }, ids, next };
}

/** A fresh memfs volume holding the image's reachable files and directories. */
export function volumeFromImage(image: Image): Volume {
  const volume = new Volume();
  for (const [path, node] of reachable(image)) {
    if (path === "/") continue;
    if (node.kind === "dir") volume.mkdirSync(path);
    else volume.writeFileSync(path, fileBytes(node));
  }
  return volume;
}

/** sha256 over the reachable tree (paths, kinds, bytes): equal trees, equal fingerprints. */
export function imageFingerprint(image: Image): string {
  const hash = createHash("sha256");
  for (const [path, node] of reachable(image)) {
    hash.update(`${node.kind} ${path} ${node.kind === "file" ? node.size : 0}\n`);
    if (node.kind === "file") hash.update(fileBytes(node));
  }
  return hash.digest("hex");
}
