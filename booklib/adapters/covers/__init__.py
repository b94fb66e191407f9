"""Covers kept at home: CoverStore adapters (filesystem, S3) and the Pillow renditions of a cover."""
