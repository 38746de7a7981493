"""The store's face, one interface per group of operations (`calfstore.interface.Store` is all of them together).

Each module here declares what one aggregate owns; its queries are the module of the same name in
`calfstore.queries`. A new aggregate is a new pair of files: `faces/<name>.py` and `queries/<name>.py`.
"""
