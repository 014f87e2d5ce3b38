"""SQL written for each database: migrations whose statements differ between SQLite and
PostgreSQL (full-text search, triggers) run them through this one helper."""


def run_for_vendor(statements_by_vendor: dict[str, list[str]]):
    """A RunPython function executing the statements listed for the migrating database's
    vendor ("sqlite", "postgresql"); none listed, nothing done."""

    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run
