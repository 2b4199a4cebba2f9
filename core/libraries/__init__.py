"""Versioned library files (YAML) shared by every domain: duties, report forms, procedures…

`reader` checks a file's node tree with `file:line` for every refusal; `kinds` sends each
file to the loader of its `kind:`; `versions` decides whether a file is newer than the
loaded one. The file format of each kind is documented in docs/libraries.md.
"""
