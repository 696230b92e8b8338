"""Collectors: turn a cloud estate (live APIs, Terraform plans, exports) into resources.

Each collector emits `scanner.model.Resource` objects (or their dict form) in the
vocabulary of `scanner.catalog`; `scanner.snapshot` writes them to disk. The
`synthetic` collector invents a fictional estate: the bundled demo and large seeded
estates for tests and benchmarks.
"""
