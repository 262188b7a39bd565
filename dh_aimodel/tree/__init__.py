"""The file system: source trees, package build directories, hashing, atomic writes."""
