/**
 * HDF5 files start with an 8-byte signature at offset 0, or after a user
 * block at 512, 1024, 2048... (powers of two): the HDF5 library searches
 * those offsets, so h5py opens a file with any such prefix.
 */

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5Signature(b: Uint8Array, at = 0): boolean {
  return SIGNATURE.every((x, i) => b[at + i] === x);
}

/** Offset of the superblock signature within `head` (0, 512, 1024...), or undefined. */
export function findHdf5Signature(head: Uint8Array): number | undefined {
  if (isHdf5Signature(head, 0)) return 0;
  for (let at = 512; at + 8 <= head.length; at *= 2) if (isHdf5Signature(head, at)) return at;
  return undefined;
}
