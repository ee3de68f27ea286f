/** Limits applied to every archive we open; they mirror AppConfig.limits so callers can pass that object as-is. */
export interface ZipLimits {
  /** Maximum number of entries in the central directory (files and directories). */
  maxZipEntries: number;
  /** Maximum total uncompressed bytes, declared and actually inflated. */
  maxUnpackedBytes: number;
  /** Maximum uncompressed/compressed ratio per entry (legit data is usually 1–10; DEFLATE caps at ~1032). */
  maxZipRatio: number;
}

/** A file entry that passed every central-directory check. Directories are validated but not listed. */
export interface ZipEntryInfo {
  /** Validated, normalised relative path (forward slashes, no leading `./`). */
  path: string;
  compressedSize: number;
  /** Declared by the archive; enforced while streaming, never trusted on its own. */
  uncompressedSize: number;
  compressed: boolean;
}
