"""Collectors: turn a cloud estate (live APIs, Terraform plans, exports) into resources.

Each collector emits `scanner.model.Resource` objects (or their dict form) in the
vocabulary of `scanner.catalog`; `scanner.snapshot` writes them to disk. Fictional
estates (the bundled demo, seeded estates for tests and benchmarks) are not collected:
`scanner.synthetic` builds them.
"""
