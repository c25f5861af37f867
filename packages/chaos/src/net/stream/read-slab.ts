/**
 * Read buffers for a socket's `onread`: each read lands in the unused rest of
 * one large slab, so a read takes as much as the kernel holds (up to the
 * room left, never less than `minRoom`) instead of libuv's 64 KiB, and the
 * bytes are handed on without a copy. Node asks for the next room after
 * every read; a new slab starts when less than `minRoom` is left. A chunk
 * keeps its slab alive until it is written, as Node's own buffer pool does.
 * `limitReads` caps the reads that follow (a toxic holding many chunks
 * should hold chunks of the usual size).
 */
export class ReadSlab {
  readonly size: number;
  readonly minRoom: number;
  #slab: Buffer;
  #offset = 0;
  #maxRead: number;

  constructor(size = 1024 * 1024, minRoom = 64 * 1024) {
    if (!(Number.isInteger(minRoom) && minRoom > 0 && Number.isInteger(size) && size >= minRoom)) {
      throw new TypeError(
        `ReadSlab needs integer sizes with 0 < minRoom <= size, got size ${size}, minRoom ${minRoom}.`,
      );
    }
    this.size = size;
    this.minRoom = minRoom;
    this.#slab = Buffer.allocUnsafe(size);
    this.#maxRead = size;
  }

  /** Reads from now on take at most `bytes` (at least 1; at most the slab size). */
  limitReads(bytes: number): void {
    this.#maxRead = Math.min(this.size, Math.max(1, Math.floor(bytes)));
  }

  /** Where the next read goes (`onread.buffer`). */
  readonly room = (): Buffer => {
    if (this.#slab.length - this.#offset < this.minRoom) {
      this.#slab = Buffer.allocUnsafe(this.size);
      this.#offset = 0;
    }
    return this.#slab.subarray(this.#offset, this.#offset + this.#maxRead);
  };

  /** Claims the `length` bytes just read into `room`, so the next read goes after them. */
  take(length: number, room: Buffer): Buffer {
    this.#offset += length;
    return room.subarray(0, length);
  }
}
