"""Validates JSONL records against docs/record.schema.json (JSON Schema 2020-12).

Usage: validate_records.py SCHEMA FILE...; prints how many lines were valid, and each invalid line's file,
line number and first error; exits 1 when any line is invalid or not JSON.
"""
import json
import sys

import jsonschema


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    valid = invalid = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as records:
            for number, line in enumerate(records, start=1):
                try:
                    record = json.loads(line)
                except ValueError as error:
                    print(f"{path}:{number}: not JSON: {error}")
                    invalid += 1
                    continue
                # Checked against the kind it claims to be, so that the error names the field at fault rather
                # than "not valid under any of the given schemas".
                kind = "article" if isinstance(record, dict) and "schema" in record else "error"
                error = jsonschema.exceptions.best_match(
                    validator.evolve(schema={**schema, "oneOf": [{"$ref": f"#/$defs/{kind}"}]}).iter_errors(record))
                if error is not None:
                    where = "/".join(str(part) for part in error.absolute_path)
                    print(f"{path}:{number}: {where}: {error.message[:300]}")
                    invalid += 1
                else:
                    valid += 1
    print(f"{valid} valid, {invalid} invalid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
