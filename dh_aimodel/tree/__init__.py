"""The file system: walking source trees and build directories, hashing, atomic writes."""
